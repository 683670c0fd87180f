-- id = "entered_value_total"
-- title = "Entered value"
-- unit = "usd"
-- section = "volume"
-- definition = """
-- Sum of entered value over the lines of E without Chapter 99 ordinals (L'), so a line \
-- spread over several ordinals counts once; 0 when there are none."""
-- basis = """
-- Volume figures as in DHS/CBP annual trade and enforcement statistics; entry summaries \
-- filed in ACE (19 U.S.C. 1484, 19 CFR part 142). Entered value: 19 U.S.C. 1401a \
-- (transaction value)."""
-- authority = "indicator"
-- status = "informational"

-- a sum over no lines is 0; over lines none of which carries the amount, not provided
-- (L' summed by attribute: period_line_totals)
select
    case when sum(rows) > 0 and sum(entered_value_rows) = 0 then null
         else coalesce(sum(entered_value), 0) end as value,
    coalesce(sum(rows) - sum(entered_value_rows), 0) as missing,
    coalesce(sum(rows), 0) as rows
from period_line_totals
where not is_chapter_99
