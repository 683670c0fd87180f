-- Report aggregate (board pack, not a metric): per filer code of the period, the entries
-- behind its certification and disclosure-complete rates from $effective_on (the
-- control's effective date, bound once for each rate): those whose value is anything but
-- not_required, and those with yes (as certification_rate and disclosure_complete_rate
-- count them). An entry without a filer code counts under its entry number's first three
-- characters. Divided in Python (exact Decimal).
select
    coalesce(filer_code, left(entry_number, 3)) as filer_code,
    count(*) filter (where coalesce(certification, 'unknown') <> 'not_required')
        as certification_due,
    count(*) filter (where certification = 'yes') as certified,
    count(*) filter (where coalesce(disclosure_complete, 'unknown') <> 'not_required')
        as disclosure_due,
    count(*) filter (where disclosure_complete = 'yes') as disclosed
from entries
where entry_date >= $period_start
  and entry_date < $period_end
  and entry_date >= $effective_on
group by coalesce(filer_code, left(entry_number, 3))
order by filer_code
