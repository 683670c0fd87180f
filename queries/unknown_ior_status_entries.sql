-- id = "unknown_ior_status_entries"
-- title = "Entries whose importer-of-record status is unknown"
-- unit = "count"
-- section = "eligibility"
-- definition = """
-- Entries in E whose importer is neither shown foreign nor domestic: no explicit foreign_ior \
-- flag, no failed U.S. test and at least one test empty, or the importer number is missing \
-- from the importer registry."""
-- basis = """
-- EO 14411 (foreign importers of record); the tool's reading of foreign status is in the \
-- data contract."""
-- authority = "indicator"
-- status = { better = "lower", green = "thresholds.unknown_ior_status_entries.green", otherwise = "amber" }

select count(*) as value
from period_entries
where ior_status = 'unknown'

-- exceptions
select
    e.entry_number,
    e.entry_date,
    e.importer_number,
    e.importer_in_registry,
    i.foreign_ior,
    i.us_organized,
    i.us_physical_presence,
    i.us_assets_sufficient,
    i.us_controlling_owner,
    e._file,
    e._row
from period_entries as e
left join importers as i on i.importer_number = e.importer_number
where e.ior_status = 'unknown'
order by e.entry_number
