-- id = "max_statutory_exposure_1592"
-- title = "Maximum statutory exposure, open 19 U.S.C. 1592 cases"
-- unit = "usd"
-- section = "penalties"
-- definition = """
-- Over importer cases under 19 U.S.C. 1592 open at the end of the period (not broker cases), \
-- the sum of the statutory maximum penalty, 1592(c): fraud = domestic value; gross \
-- negligence = the lesser of domestic value (when given) and 4 x loss of revenue when the \
-- loss is above 0, else 0.40 x dutiable value; negligence = likewise with 2 x and 0.20 x \
-- (the dutiable-value limbs are not capped at domestic value). With a prior disclosure, \
-- 1592(c)(4): fraud = 1.00 x loss of revenue when above 0, else 0.10 x dutiable value; \
-- negligence and gross negligence = 0 (interest only, not computed). An empty loss of \
-- revenue counts as no loss. Cases lacking the amount their limb needs, or with \
-- culpability none or empty, are left out and counted as missing."""
-- basis = """
-- 19 U.S.C. 1592(c)(1)-(3) maximum penalties; 1592(c)(4) prior disclosure."""
-- authority = "statute"
-- status = "informational"

with open_1592_cases as (
    select *
    from open_cases_at_end
    where statute = '19USC1592'
      and not is_broker_case
),

statutory_maximum as (
    select
        case_number,
        case
            when culpability is null or culpability = 'none' then null
            when coalesce(prior_disclosure, false) then
                case
                    when culpability = 'fraud' then
                        case
                            when coalesce(loss_of_revenue, 0) > 0 then 1.00 * loss_of_revenue
                            else 0.10 * dutiable_value
                        end
                    else 0  -- negligence and gross negligence: interest only
                end
            when culpability = 'fraud' then domestic_value
            when culpability = 'gross_negligence' then
                case
                    when coalesce(loss_of_revenue, 0) > 0
                        then least(coalesce(domestic_value, 4 * loss_of_revenue), 4 * loss_of_revenue)
                    else 0.40 * dutiable_value
                end
            when culpability = 'negligence' then
                case
                    when coalesce(loss_of_revenue, 0) > 0
                        then least(coalesce(domestic_value, 2 * loss_of_revenue), 2 * loss_of_revenue)
                    else 0.20 * dutiable_value
                end
        end as maximum
    from open_1592_cases
)

-- cases whose limb lacks its amount (or with culpability none) are left out and counted as
-- missing; a sum over cases none of which has a maximum is not provided (null)
select
    case when count(*) > 0 and count(maximum) = 0 then null
         else coalesce(sum(maximum), 0) end as value,
    count(*) - count(maximum) as missing,
    count(*) as rows
from statutory_maximum

-- exceptions
with open_1592_cases as (
    select *
    from open_cases_at_end
    where statute = '19USC1592'
      and not is_broker_case
)

select
    case_number,
    importer_number,
    entry_number,
    issued_on,
    status,
    culpability,
    coalesce(prior_disclosure, false) as prior_disclosure,
    loss_of_revenue,
    dutiable_value,
    domestic_value,
    case
        when culpability is null or culpability = 'none' then 'left out: no culpability'
        when coalesce(prior_disclosure, false) and culpability <> 'fraud'
            then '1592(c)(4): interest only'
        when coalesce(prior_disclosure, false) and coalesce(loss_of_revenue, 0) > 0
            then '1592(c)(4): 1.00 x loss of revenue'
        when coalesce(prior_disclosure, false) then '1592(c)(4): 0.10 x dutiable value'
        when culpability = 'fraud' then '1592(c)(1): domestic value'
        when coalesce(loss_of_revenue, 0) > 0 and culpability = 'gross_negligence'
            then '1592(c)(2): 4 x loss of revenue, at most domestic value'
        when culpability = 'gross_negligence' then '1592(c)(2): 0.40 x dutiable value'
        when coalesce(loss_of_revenue, 0) > 0 then '1592(c)(3): 2 x loss of revenue, at most domestic value'
        else '1592(c)(3): 0.20 x dutiable value'
    end as limb,
    _file,
    _row
from open_1592_cases
order by case_number
