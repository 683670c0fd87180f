-- id = "entry_lines_total"
-- title = "Entry lines"
-- unit = "count"
-- section = "volume"
-- definition = """
-- Number of distinct commodity lines (entry number, line number) of the entries in E; the \
-- tariff ordinals of one line count once."""
-- basis = """
-- Volume figures as in DHS/CBP annual trade and enforcement statistics; entry summaries \
-- filed in ACE (19 U.S.C. 1484, 19 CFR part 142)."""
-- status = "informational"

with distinct_lines as (
    select distinct entry_number, line_number
    from period_lines
)

select count(*) as value
from distinct_lines
