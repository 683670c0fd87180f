-- id = "entries_total"
-- title = "Entries"
-- unit = "count"
-- section = "volume"
-- definition = "Number of entry summaries whose entry date falls in the period (E)."
-- basis = """
-- Volume figures as in DHS/CBP annual trade and enforcement statistics; entry summaries \
-- filed in ACE (19 U.S.C. 1484, 19 CFR part 142)."""
-- authority = "indicator"
-- status = "informational"

select count(*) as value
from period_entries
