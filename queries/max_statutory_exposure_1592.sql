-- id = "max_statutory_exposure_1592"
-- title = "Maximum statutory exposure, open 19 U.S.C. 1592 cases"
-- unit = "usd"
-- section = "penalties"
-- definition = """
-- Sum over 19USC1592 cases open at the end of the period of the statutory maximum penalty: \
-- fraud = domestic value; gross negligence = 4 x loss of revenue if the loss is above 0, \
-- else 0.40 x dutiable value; negligence = 2 x loss of revenue if the loss is above 0, else \
-- 0.20 x dutiable value; each capped at domestic value when given. An empty loss of revenue \
-- is not above 0, so the dutiable-value rule applies. Cases lacking the amount their rule \
-- needs (domestic value for fraud, dutiable value where the loss is not above 0), or with \
-- culpability none or empty, are left out."""
-- basis = "19 U.S.C. 1592(c)(1)-(3) maximum penalties."
-- status = "informational"

with open_1592_cases as (
    select *
    from open_cases_at_end
    where statute = '19USC1592'
),

uncapped_maximum as (
    select
        case_number,
        domestic_value,
        case
            when culpability = 'fraud' then domestic_value
            when culpability = 'gross_negligence' then
                case
                    when loss_of_revenue > 0 then 4 * loss_of_revenue
                    else 0.40 * dutiable_value
                end
            when culpability = 'negligence' then
                case
                    when loss_of_revenue > 0 then 2 * loss_of_revenue
                    else 0.20 * dutiable_value
                end
        end as maximum
    from open_1592_cases
),

capped_at_domestic_value as (
    select
        case
            when domestic_value is not null then least(maximum, domestic_value)
            else maximum
        end as maximum
    from uncapped_maximum
    where maximum is not null
)

select coalesce(sum(maximum), 0) as value
from capped_at_domestic_value
