-- Report aggregate (not a metric): entries per month of the period with the counts
-- behind the certification and disclosure-complete rates. Every month of the period
-- appears, empty months with zeros. Rates are divided in Python (exact Decimal).
with months_of_period as (
  select cast(month_start as date) as month_start
  from generate_series(cast($period_start as timestamp),
                       cast($period_end as timestamp) - interval 1 day,
                       interval 1 month) as t(month_start)
),
entries_in_period as (
  select cast(date_trunc('month', entry_date) as date) as month_start,
         certification,
         disclosure_complete
  from entries
  where entry_date >= $period_start and entry_date < $period_end
),
counts_per_month as (
  select month_start,
         count(*) as entries,
         count(*) filter (where certification = 'yes') as certified,
         count(*) filter (where certification <> 'not_required') as certification_due,
         count(*) filter (where disclosure_complete = 'yes') as disclosed,
         count(*) filter (where disclosure_complete <> 'not_required') as disclosure_due
  from entries_in_period
  group by month_start
)
select m.month_start,
       coalesce(c.entries, 0) as entries,
       coalesce(c.certified, 0) as certified,
       coalesce(c.certification_due, 0) as certification_due,
       coalesce(c.disclosed, 0) as disclosed,
       coalesce(c.disclosure_due, 0) as disclosure_due
from months_of_period as m
left join counts_per_month as c using (month_start)
order by m.month_start
