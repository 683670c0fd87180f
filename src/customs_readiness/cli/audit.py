"""Commands of audit readiness: `audit-sample` draws and writes the sample, `audit-score`
projects the tested worksheet (docs/audit.md)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ReadinessError
from . import options as o
from .app import console as output_console
from .app import say, setting

# Defaults repeated here (a test checks them equal to the audit package's) so that importing
# the CLI does not import the audit modules.
DEFAULT_SEED = 14411
DEFAULT_EXPECTED_RATE = 0.95
DEFAULT_MARGIN = 0.03
DEFAULT_STRATA = 4
DEFAULT_GOAL = 0.95


class ScoreFormat(str, Enum):  # noqa: UP042 - typer needs a str Enum for choices
    table = "table"
    json = "json"


def _decimal(option: str, text: str | float | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(str(text).replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise ReadinessError(f"{option} must be a number, got {text!r}") from None
    if not value.is_finite():
        raise ReadinessError(f"{option} must be a number, got {text!r}")
    return value


def audit_sample(
    year: o.Year,
    out: Annotated[Path, typer.Option("--out", help="Folder for audit-worksheet.xlsx and "
                                      "sampling-plan.pdf (created if missing).")],
    db: o.Db = None,
    size: Annotated[int | None, typer.Option("--size", min=1, help="Lines to draw outside the "
                                             "certainty stratum; default from --expected-rate "
                                             "and --margin.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same data, options and "
                                      "seed give the same sample and a byte-identical "
                                      "worksheet.")] = DEFAULT_SEED,
    expected_rate: Annotated[float, typer.Option("--expected-rate", help="Compliance rate "
                                                 "expected when sizing the sample (size rule "
                                                 "p).")] = DEFAULT_EXPECTED_RATE,
    margin: Annotated[float, typer.Option("--margin", help="Margin of error wanted on the rate "
                                          "at 95% confidence (size rule e).")] = DEFAULT_MARGIN,
    certainty_value: Annotated[str | None, typer.Option("--certainty-value", help="Entered "
                                                        "value in dollars at or above which "
                                                        "every line is tested.")] = None,
    strata: Annotated[int, typer.Option("--strata", min=1, max=20, help="Strata by entered value "
                                        "below the certainty value (fewer when values "
                                        "bunch).")] = DEFAULT_STRATA,
    fiscal_year_start_month: o.Fiscal = None,
    policy: o.PolicyFile = None,
) -> None:
    """Draw a stratified random sample of the period's entry lines to test, with its worksheet
    and sampling plan."""
    from ..audit.draw import draw_sample
    from ..audit.plan import write_plan_pdf
    from ..audit.worksheet import write_worksheet
    from ..db import connect
    from ..metrics import period_for
    from ..policy import load_policy

    db = setting("database", db)
    pol = load_policy(setting("policy", policy))
    fiscal = (fiscal_year_start_month if fiscal_year_start_month is not None
              else pol.values["fiscal_year_start_month"])
    period = period_for(year, fiscal)
    con = connect(db, read_only=True, must_exist=True)
    try:
        sample = draw_sample(con, period, seed=seed, size=size,
                             expected_rate=_decimal("--expected-rate", expected_rate),
                             margin=_decimal("--margin", margin),
                             certainty_value=_decimal("--certainty-value", certainty_value),
                             strata=strata)
    finally:
        con.close()
    worksheet = write_worksheet(sample, out, pol.version)
    plan = write_plan_pdf(sample, out, pol.version)
    say(f"Audit sample of {period.label}: {sample.lines_sampled:,} of "
        f"{sample.universe_lines:,} lines, seed {seed}")
    labels = [f"{s.lower_value:,.2f} to under {s.upper_value:,.2f}"
              + (" (certainty)" if s.certainty else "") for s in sample.strata]
    width = max(len("entered value"), *map(len, labels))
    say(f"{'stratum':>7}  {'entered value':<{width}} {'lines':>10} {'sampled':>8}")
    for s, label in zip(sample.strata, labels, strict=True):
        say(f"{s.stratum:>7}  {label:<{width}} {s.lines_in_universe:>10,} "
            f"{s.lines_sampled:>8,}")
    say(str(worksheet))
    say(str(plan))


def audit_score(
    worksheet: Annotated[Path, typer.Argument(help="The tested audit-worksheet.xlsx (result, "
                                              "error_type and correct_duty filled in).")],
    output_format: Annotated[ScoreFormat, typer.Option("--format", help="table (terminal) or "
                                                       "json (stdout).")] = ScoreFormat.table,
    goal: Annotated[float, typer.Option("--goal", min=0.0, max=1.0, help="Compliance rate to "
                                        "compare with (a practitioner convention; CBP publishes "
                                        "no fixed threshold).")] = DEFAULT_GOAL,
) -> None:
    """Project a tested audit sample: compliance rate and loss of revenue with 95% intervals."""
    from ..audit.score import as_dict, dumps, score_worksheet

    result = score_worksheet(worksheet, _decimal("--goal", goal))
    data = as_dict(result)
    if output_format is ScoreFormat.json:
        typer.echo(dumps(data))
    else:
        _print_score(data)


def _print_score(data: dict) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..audit.fmt import fmt_rate
    from ..audit.section import fmt_interval_money

    console = output_console(summary=False)
    rate = data["compliance_rate"]
    console.print(Text(f"Audit score, {data['period']}: {data['lines_sampled']:,} of "
                       f"{data['lines_in_universe']:,} lines tested, {data['errors']:,} "
                       "with errors", style="bold"))
    table = Table(title="Projection (95% confidence)", title_justify="left", title_style="bold")
    table.add_column("figure")
    table.add_column("estimate", justify="right")
    table.add_column("interval", justify="right")
    table.add_row("Compliance rate", fmt_rate(rate["estimate"]),
                  f"{fmt_rate(rate['low'])} to {fmt_rate(rate['high'])}")
    if rate["exact_low"] is not None:
        table.add_row("  exact (Clopper-Pearson)", "",
                      f"{fmt_rate(rate['exact_low'])} to {fmt_rate(rate['exact_high'])}")
    for key, title in (("loss_of_revenue", "Loss of revenue (net)"),
                       ("underpayment", "Under-payments only")):
        estimate, interval = fmt_interval_money(data[key])
        table.add_row(title, estimate, interval)
    console.print(table)
    strata = Table(title="Strata", title_justify="left", title_style="bold")
    for name in ("stratum", "entered value", "N_h", "n_h", "errors", "rate", "mean diff."):
        strata.add_column(name, justify="left" if name == "entered value" else "right")
    for s in data["strata"]:
        strata.add_row(str(s["stratum"]) + (" (all)" if s["certainty"] else ""),
                       f"{s['lower_value']:,} to under {s['upper_value']:,}",
                       f"{s['lines_in_universe']:,}", f"{s['lines_sampled']:,}",
                       f"{s['errors']:,}", fmt_rate(s["compliance_rate"]),
                       f"{s['mean_difference']:,}")
    console.print(strata)
    errors = ", ".join(f"{k} {v}" for k, v in data["errors_by_type"].items())
    console.print(Text(f"Errors by type: {errors}"))
    g = data["policy_goal"]
    console.print(Text(f"Goal {fmt_rate(g['rate'])} ({g['basis']}): "
                       f"{g['result'].replace('_', ' ')}"))
