"""Every speed trick of the tool, behind one seam.

The rest of the code reads as plain sequential Python: it asks this module to run a step in
the background (``in_background``), in a worker process (``WorkerProcess``), with the cyclic
garbage collector paused (``gc_paused``), or to end the process without teardown
(``finish``). Callers cannot tell whether a step ran in parallel: a ``Deferred`` gives the
same value either way. Each trick stays only while it pays its way; the figures below were
measured with ``benchmarks/bench.py`` on the 2-core reference machine (see
benchmarks/results.md and docs/architecture.md).

- ``in_background``: importing WeasyPrint and compiling the report templates (~0.5 s) while
  DuckDB collects the figures, and compressing the PDF attachments while WeasyPrint lays
  out the pages (1M lines: ``build_report`` 1.05 s -> 0.85 s; layout starts 0.25 s sooner).
  DuckDB, zlib and hashlib release the GIL, so the two cores really overlap.
- ``queue`` (the loader's two background threads): every file's scan (records, encoding),
  then its SHA-256, in one thread while DuckDB loads (10M lines: the wait before the entries
  0.29-0.64 s -> 0.08-0.11 s); each CSV file's whole-file proof in another, in
  load order, so the lines' proof overlaps the entries' insert (10M lines: the load waited
  0.55 + 0.78 s for the proofs when they ran before each insert; now not at all).
- ``in_parallel``: the whole-file proof of a large file matched in two parts at once (RE2
  releases the GIL): 10M lines, 719 MB, 1.26 s -> 0.65 s.
- ``WorkerProcess``: matplotlib's import (~0.5 s) and the report's charts drawn in a second
  process at nice 10 (1M ``report`` wall 5.7 s -> 4.9-5.1 s). One process draws both the
  trend and the board charts: with a process each, two matplotlib imports competed with
  DuckDB and WeasyPrint's import for the two cores (``report``, medians of alternating runs:
  100k 5.40 -> 5.03 s, 1M 5.96 -> 5.67 s, 10M 9.00 -> 8.69 s). Same interpreter and module,
  so the SVG is byte-identical; if the worker fails the function runs in this process.
- ``gc_paused``: the cyclic GC off while the report is collected and laid out (WeasyPrint
  allocates many short-lived objects and few cycles): layout -36 % (performance notes),
  in-process 1M report 4.10 s -> 3.98 s.
- ``checkpoint_on_commit``: a load's commit checkpoints the database at once instead of
  first writing every loaded row to the write-ahead log (numbering the rows updates them,
  which voids DuckDB's direct write of the inserted data, so the log got all of it: 1.1 GB
  at 10M lines). 10M lines: commit 1.5-2.0 s plus a 0.4-0.6 s checkpoint when the
  database is next closed -> 0.26 s; 1M: 0.22 + 0.08 s -> 0.04 s. The commit is as durable
  as before: it is complete once the checkpoint is written, and a failure leaves the
  database as it was.
- ``finish``: ``os._exit`` once every output is written, flushed and closed, skipping the
  interpreter's teardown of a large document's objects (8-11 s on large documents, ~0.1 s
  at 1M; ~35 ms for ``load``/``metrics``). Only the console script enables it, never
  in-process callers such as tests or the Python API.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_FAST_EXIT = False


def enable_fast_exit() -> None:
    """Let ``finish`` end the process at once (the console script calls this)."""
    global _FAST_EXIT
    _FAST_EXIT = True


def fast_exit_enabled() -> bool:
    return _FAST_EXIT


def finish() -> None:
    """End the process now if the console script allowed it: outputs are written, flushed
    and closed, so the interpreter's teardown would only cost time."""
    if _FAST_EXIT:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


@contextlib.contextmanager
def checkpoint_on_commit(con: Any) -> Iterator[None]:
    """Within the block, a commit on ``con`` of more than DuckDB's
    ``auto_checkpoint_skip_wal_threshold`` (100 kB of changes) checkpoints the database
    instead of writing the changes to the write-ahead log first; a smaller one is logged
    and then checkpointed. DuckDB falls back to the log by itself when it cannot
    checkpoint (another transaction open). The threshold is the database's, so it is put
    back afterwards, even when the commit fails. Once a user metric has locked the
    instance's configuration (metrics/engine.lock_down), the commit is logged as usual."""
    if con.execute("select current_setting('lock_configuration')").fetchone()[0]:
        yield
        return
    before = con.execute("select current_setting('checkpoint_threshold')").fetchone()[0]
    con.execute("set checkpoint_threshold = '0 bytes'")
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # a connection a failed commit left unusable
            con.execute(f"set checkpoint_threshold = '{before}'")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block (re-enabled after it, unless the
    process is about to ``finish`` anyway: the first collection would walk every object)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled and not _FAST_EXIT:
            gc.enable()


class Deferred:
    """A value made once, on first call; ``ran_in`` tells where it was made (``"thread"``,
    ``"worker"``, ``"fallback"`` or ``"here"``), so tests can tell which path ran."""

    def __init__(self, make: Callable[[], Any], ran_in: str = "here"):
        self._make: Callable[[], Any] | None = make
        self._value: Any = None
        self._lock = threading.Lock()
        self.ran_in = ran_in

    def __call__(self) -> Any:
        with self._lock:
            if self._make is not None:
                self._value, self._make = self._make(), None
            return self._value


def in_background(func: Callable[..., Any], *args: Any) -> Deferred:
    """Start ``func(*args)`` in a daemon thread; the Deferred waits for it and re-raises
    its error in the caller."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func(*args)
        except BaseException as exc:  # re-raised where the value is asked for
            box["error"] = exc

    thread = threading.Thread(target=target, name=getattr(func, "__name__", "background"),
                              daemon=True)
    thread.start()

    def result() -> Any:
        thread.join()
        if "error" in box:
            raise box["error"]
        return box["value"]

    return Deferred(result, "thread")


def in_parallel(func: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
    """``[func(*args) for args in calls]``, the first call on this thread and each other on
    a thread of its own, all at once (``func`` must release the GIL to gain anything); an
    error in any call is re-raised here once all have ended."""
    if len(calls) <= 1:
        return [func(*args) for args in calls]
    others = [in_background(func, *args) for args in calls[1:]]
    try:
        first = func(*calls[0])
    finally:
        rest = []
        for deferred in others:  # every thread is waited for, even after an error
            try:
                rest.append(deferred())
            except BaseException as exc:  # re-raised below, after every thread has ended
                rest.append(exc)
    for value in rest:
        if isinstance(value, BaseException):
            raise value
    return [first, *rest]


def queue(name: str) -> ThreadPoolExecutor:
    """One background thread named ``name`` running the tasks submitted to it in order
    (``submit`` gives a Future); ``shutdown(wait=True, cancel_futures=True)`` when done."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)


class WorkerProcess:
    """Calls of functions of ``module`` in a second, already started process.

    The process imports ``module`` and the ``preload`` modules at once (while this process
    goes on), then serves the calls in the order they are sent: each call as one line of
    JSON on its stdin (function name and keyword arguments), each text result back on its
    stdout (its length in bytes on a line, then the text), read here by a thread as soon as
    it is written. ``submit`` returns a Deferred; a call that fails in the worker runs again
    in this process, and if the worker itself fails every call still to come runs here
    (``ran_in == "fallback"``).
    """

    def __init__(self, module: str, preload: tuple[str, ...] = ()):
        self.module = module
        self._sent = 0
        self._results: list[str | None] = []  # in call order; None: run it here
        self._ready = threading.Condition()
        self._ended = False  # the worker wrote its last result (or failed)
        self._proc: Any = None
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", __name__, module, *preload],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:
            return
        threading.Thread(target=self._read, args=(self._proc,), name="worker-results",
                         daemon=True).start()

    def _read(self, proc: Any) -> None:
        """Every result the worker writes, in order, until it ends (or fails)."""
        try:
            while True:
                head = proc.stdout.readline()
                if not head:
                    break
                size = int(head)
                text = proc.stdout.read(size).decode("utf-8") if size >= 0 else None
                if size >= 0 and len(text.encode("utf-8")) != size:
                    break
                with self._ready:
                    self._results.append(text)
                    self._ready.notify_all()
        except (OSError, ValueError):
            pass
        with self._ready:  # no more results: the calls still waiting run here
            self._ended = True
            self._ready.notify_all()

    def _result(self, index: int) -> str | None:
        with self._ready:
            while len(self._results) <= index and not self._ended:
                self._ready.wait()
            return self._results[index] if index < len(self._results) else None

    def _local(self, function: str, kwargs: dict[str, Any]) -> str:
        import importlib

        return getattr(importlib.import_module(self.module), function)(**kwargs)

    def submit(self, function: str, **kwargs: Any) -> Deferred:
        """Send the call (its JSON-serialisable arguments) now; the Deferred waits for the
        text."""
        index, self._sent = self._sent, self._sent + 1
        proc = self._proc
        sent = False
        if proc is not None:
            try:
                proc.stdin.write(json.dumps({"function": function, "kwargs": kwargs}).encode("utf-8")
                                 + b"\n")
                proc.stdin.flush()
                sent = True
            except (OSError, ValueError):
                self.close()
        deferred = Deferred(lambda: "", "worker" if sent else "fallback")

        def result() -> str:
            text = self._result(index) if sent else None
            if text is None:
                deferred.ran_in = "fallback"
                return self._local(function, kwargs)
            return text

        deferred._make = result
        return deferred

    def close(self) -> None:
        """Stop the worker (results not yet asked for are then made here)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            _stop(proc)


def _stop(proc: Any) -> None:
    proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.close()


def _serve(module: str, preload: list[str]) -> None:
    import importlib

    # The results are needed only later (e.g. once the layout reaches a chart): the main
    # process, collecting figures and importing WeasyPrint meanwhile, goes first for the CPU.
    if hasattr(os, "nice"):
        os.nice(10)
    for name in preload:
        importlib.import_module(name)
    mod = importlib.import_module(module)
    out = sys.stdout.buffer
    while line := sys.stdin.buffer.readline():
        call = json.loads(line)
        try:
            text = getattr(mod, call["function"])(**call["kwargs"]).encode("utf-8")
        except Exception:  # this call runs again in the main process, which reports it
            out.write(b"-1\n")
        else:
            out.write(b"%d\n" % len(text) + text)
        out.flush()


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2:])
