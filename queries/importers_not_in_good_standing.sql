-- id = "importers_not_in_good_standing"
-- title = "Importers not in good standing"
-- unit = "count"
-- section = "eligibility"
-- definition = """
-- Distinct importers of record with at least one entry in E whose registry good_standing is \
-- not_good or suspended_debarred."""
-- basis = """
-- EO 14411 (importers of record must be in good standing); suspension and debarment: 2 CFR \
-- part 180."""
-- authority = "reported"
-- dated = true
-- requires = ["importers.good_standing"]
-- status = { better = "lower", green = "thresholds.importers_not_in_good_standing.green" }

select count(distinct importer_number) as value
from period_entries
where good_standing in ('not_good', 'suspended_debarred')
  and entry_date >= $scope_start
  and entry_date < $scope_end

-- exceptions
with entries_of_importers as (
    select
        importer_number,
        count(*) as entries_in_period,
        min(entry_date) as first_entry_date,
        max(entry_date) as last_entry_date,
        count(*) filter (where entry_date >= $effective_on) as entries_on_or_after_order
    from period_entries
    where good_standing in ('not_good', 'suspended_debarred')
    group by importer_number
)

select
    i.importer_number,
    i.importer_name,
    i.good_standing,
    e.entries_in_period,
    e.first_entry_date,
    e.last_entry_date,
    e.entries_on_or_after_order,
    e.entries_on_or_after_order = 0 as predates_order,
    i._file,
    i._row
from entries_of_importers as e
join importers as i on i.importer_number = e.importer_number
order by i.importer_number
