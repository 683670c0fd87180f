-- id = "formal_entries"
-- title = "Formal entries"
-- unit = "count"
-- section = "volume"
-- definition = """
-- Entries in E whose entry type is not one of the policy's informal entry types (default 11, \
-- 12)."""
-- basis = """
-- Volume figures as in DHS/CBP annual trade and enforcement statistics; entry summaries \
-- filed in ACE (19 U.S.C. 1484, 19 CFR part 142). Formal and informal entry: 19 CFR parts \
-- 142 and 143 subpart C."""
-- authority = "indicator"
-- status = "informational"

select count(*) filter (where not is_informal) as value
from period_entries
