-- Report aggregate (not a metric): fines, penalties and forfeitures cases issued in
-- the period, by kind and statute, as CBP tabulates penalty cases: number of cases,
-- amounts assessed, amounts after mitigation and amounts paid.
with cases_in_period as (
  select case_kind,
         coalesce(statute, 'not stated') as statute,
         assessed_amount,
         mitigated_amount,
         -- as of the period's end: a payment made after it is not counted
         case when paid_on is null or paid_on < $period_end then paid_amount end as paid_amount
  from penalties
  where issued_on >= $period_start and issued_on < $period_end
)
select case_kind,
       statute,
       count(*) as cases,
       sum(assessed_amount) as assessed,  -- null: no case carries it (not provided)
       count(*) - count(assessed_amount) as assessed_missing,
       coalesce(sum(mitigated_amount), 0) as mitigated,
       coalesce(sum(paid_amount), 0) as paid
from cases_in_period
group by case_kind, statute
order by case_kind, statute
