"""speed.in_parallel and speed.queue: the results in call order, work really on other
threads, and an error re-raised in the caller only after every call has ended."""

from __future__ import annotations

import threading
import time

import pytest

from customs_readiness import speed


def test_results_come_back_in_call_order_from_several_threads():
    def work(i: int, delay: float) -> tuple[int, int]:
        time.sleep(delay)
        return i, threading.get_ident()

    got = speed.in_parallel(work, [(0, 0.08), (1, 0.05), (2, 0.03)])  # all alive at once
    assert [i for i, _ in got] == [0, 1, 2]
    assert got[0][1] == threading.get_ident()  # the first call stays here
    assert len({name for _, name in got}) == 3


def test_one_call_runs_here():
    assert speed.in_parallel(lambda: threading.current_thread().name, [()]) == [
        threading.current_thread().name]
    assert speed.in_parallel(lambda: 1, []) == []


@pytest.mark.parametrize("failing", [0, 2])
def test_an_error_is_raised_after_every_call_has_ended(failing):
    ended: list[int] = []

    def work(i: int) -> int:
        if i == failing:
            raise ValueError(f"call {i}")
        time.sleep(0.05)
        ended.append(i)
        return i

    with pytest.raises(ValueError, match=f"call {failing}"):
        speed.in_parallel(work, [(0,), (1,), (2,)])
    assert sorted(ended) == sorted({0, 1, 2} - {failing})


def test_a_queue_runs_its_tasks_in_order_on_one_named_thread():
    q = speed.queue("proof")
    try:
        order: list[int] = []
        futures = [q.submit(lambda i=i: (order.append(i), threading.current_thread().name)[1])
                   for i in range(5)]
        names = {f.result() for f in futures}
    finally:
        q.shutdown(wait=True, cancel_futures=True)
    assert order == [0, 1, 2, 3, 4]
    assert len(names) == 1 and names.pop().startswith("proof")
