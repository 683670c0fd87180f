-- Report aggregate (not a metric): the importers of record with entries in the
-- period, most entries first, for the cover: the first few names and the total.
-- Importers missing from the registry show their importer number.
with entries_per_importer as (
  select importer_number, count(*) as entries
  from entries
  where entry_date >= $period_start and entry_date < $period_end
  group by importer_number
)
select e.importer_number,
       coalesce(i.importer_name, e.importer_number) as importer_name,
       e.entries,
       count(*) over () as importers_total
from entries_per_importer as e
left join importers as i using (importer_number)
order by e.entries desc, importer_name, e.importer_number
limit $limit
