-- Report aggregate (not a metric): values the data left unknown for the period's
-- entries, for the data-quality section.
with entries_in_period as (
  select e.entry_number,
         e.certification,
         e.disclosure_complete,
         e.liquidation_status,
         e.importer_number,
         i.importer_number as registered_importer,
         i.good_standing
  from entries as e
  left join importers as i using (importer_number)
  where e.entry_date >= $period_start and e.entry_date < $period_end
)
select count(*) filter (where certification = 'unknown') as certification_unknown,
       count(*) filter (where disclosure_complete = 'unknown') as disclosure_unknown,
       count(*) filter (where liquidation_status is null) as liquidation_status_missing,
       count(*) filter (where registered_importer is null) as importer_not_in_registry,
       count(distinct importer_number) filter (where good_standing = 'unknown')
         as importers_good_standing_unknown
from entries_in_period
