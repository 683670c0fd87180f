-- id = "certification_rate"
-- title = "Certification rate"
-- unit = "rate"
-- section = "disclosure"
-- definition = """
-- Entries in E with certification = yes divided by entries in E where certification is \
-- anything but not_required (no and unknown count against the rate); null when no entry \
-- requires it. Shows how many entries carry the enhanced EO certification."""
-- basis = """
-- EO 14411 enhanced certification and disclosure on the entry summary; reasonable care: 19 \
-- U.S.C. 1484(a)."""
-- authority = "order"
-- dated = true
-- requires = ["entries.certification"]
-- status = { better = "higher", green = "thresholds.certification_rate.green", amber = "thresholds.certification_rate.amber" }

select
    count(*) filter (where certification = 'yes') as numerator,
    count(*) filter (where coalesce(certification, 'unknown') <> 'not_required') as denominator
from period_entries
where entry_date >= $scope_start
  and entry_date < $scope_end

-- exceptions
-- the entries that hold the rate down: required but not 'yes'
select
    entry_number,
    entry_date,
    importer_number,
    coalesce(certification, 'unknown') as certification,
    entry_date < $effective_on as predates_order,
    _file,
    _row
from period_entries
where coalesce(certification, 'unknown') not in ('yes', 'not_required')
order by entry_number
