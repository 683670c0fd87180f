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
-- status = "informational"

select coalesce(sum(entered_value), 0) as value
from period_value_lines
