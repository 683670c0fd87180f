-- id = "disclosure_complete_rate"
-- title = "Disclosure completeness rate"
-- unit = "rate"
-- section = "disclosure"
-- definition = """
-- Entries in E with disclosure_complete = yes divided by entries in E where \
-- disclosure_complete is anything but not_required (no and unknown count against the rate); \
-- null when no entry requires it. Shows how many entries carry complete enhanced EO \
-- disclosure data."""
-- basis = """
-- EO 14411 enhanced certification and disclosure on the entry summary; reasonable care: 19 \
-- U.S.C. 1484(a)."""
-- authority = "order"
-- dated = true
-- requires = ["entries.disclosure_complete"]
-- status = { better = "higher", green = "thresholds.disclosure_complete_rate.green", amber = "thresholds.disclosure_complete_rate.amber" }

select
    count(*) filter (where disclosure_complete = 'yes') as numerator,
    count(*) filter (where coalesce(disclosure_complete, 'unknown') <> 'not_required') as denominator
from period_entries
where entry_date >= $scope_start
  and entry_date < $scope_end

-- exceptions
-- the entries that hold the rate down: required but not 'yes'
select
    entry_number,
    entry_date,
    importer_number,
    coalesce(disclosure_complete, 'unknown') as disclosure_complete,
    entry_date < $effective_on as predates_order,
    _file,
    _row
from period_entries
where coalesce(disclosure_complete, 'unknown') not in ('yes', 'not_required')
order by entry_number
