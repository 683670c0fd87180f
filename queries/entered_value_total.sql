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
select
    case when count(*) > 0 and count(entered_value) = 0 then null
         else coalesce(sum(entered_value), 0) end as value,
    count(*) - count(entered_value) as missing,
    count(*) as rows
from period_value_lines
