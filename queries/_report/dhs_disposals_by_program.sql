-- Report aggregate (not a metric): detentions, seizures, general-order and abandoned
-- shipments opened in the period, by enforcement program and action, as CBP reports
-- IPR seizures and UFLPA detentions: number of cases, domestic value and MSRP.
with cases_in_period as (
  select coalesce(program, 'not stated') as program,
         action,
         domestic_value,
         msrp_value
  from disposals
  where opened_on >= $period_start and opened_on < $period_end
)
select program,
       action,
       count(*) as cases,
       sum(domestic_value) as domestic_value,  -- null: no case carries it (not provided)
       count(*) - count(domestic_value) as domestic_value_missing,
       sum(msrp_value) as msrp_value,
       count(*) - count(msrp_value) as msrp_value_missing
from cases_in_period
group by program, action
order by program, action
