-- id = "informal_entries"
-- title = "Informal entries"
-- unit = "count"
-- section = "volume"
-- definition = """
-- Entries in E whose entry type is one of the policy's informal entry types (default 11, \
-- 12)."""
-- basis = "Informal entries: 19 CFR part 143 subpart C."
-- authority = "indicator"
-- status = "informational"

select count(*) filter (where is_informal) as value
from period_entries
