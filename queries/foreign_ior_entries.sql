-- id = "foreign_ior_entries"
-- title = "Entries with a foreign importer of record"
-- unit = "count"
-- section = "volume"
-- definition = """
-- Entries in E whose importer of record is foreign under the data contract's reading \
-- (explicit foreign_ior flag, else any failed U.S. test)."""
-- basis = """
-- EO 14411 (foreign importers of record); importer of record: 19 U.S.C. 1484(a)(2)(B), 19 \
-- CFR 141.18."""
-- authority = "indicator"
-- status = "informational"

select count(*) filter (where ior_status = 'foreign') as value
from period_entries
