-- id = "foreign_ior_informal_entries"
-- title = "Informal entries with a foreign importer of record"
-- unit = "count"
-- section = "eligibility"
-- definition = """
-- Informal entries in E whose importer of record is foreign: the order does not allow a \
-- foreign importer of record to use informal entry."""
-- basis = """
-- EO 14411 (foreign importers of record may not use informal entry); informal entries: 19 \
-- CFR part 143 subpart C."""
-- authority = "order"
-- dated = true
-- status = { better = "lower", green = "thresholds.foreign_ior_informal_entries.green" }

select count(*) as value
from period_entries
where is_informal
  and ior_status = 'foreign'
  and entry_date >= $scope_start
  and entry_date < $scope_end

-- exceptions
select
    entry_number,
    entry_type,
    entry_date,
    importer_number,
    ior_status,
    importer_in_registry,
    entry_date < $effective_on as predates_order,
    _file,
    _row
from period_entries
where is_informal
  and ior_status = 'foreign'
order by entry_number
