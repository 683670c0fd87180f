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
-- authority = "indicator"
-- status = "informational"

-- V counts the distinct lines per entry-type group; every entry is in exactly one group.
select coalesce(sum(lines), 0) as value
from period_volume
