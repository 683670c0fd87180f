-- id = "eo_minimum_payable_open"
-- title = "Minimum payable under the order, open cases"
-- unit = "usd"
-- section = "penalties"
-- definition = """
-- Sum over all cases open at the end of the period of the least the order lets them settle \
-- for: the full assessed_amount for cases of repeat-offender importers, penalty floor x \
-- assessed_amount for the rest."""
-- basis = "EO 14411 penalty floor and loss of mitigation for repeat offenders."
-- status = "informational"

with minimum_per_case as (
    select
        case
            when r.importer_number is not null then o.assessed_amount
            else $penalty_floor * o.assessed_amount
        end as minimum_payable
    from open_cases_at_end as o
    left join repeat_offenders as r on r.importer_number = o.importer_number
)

select coalesce(sum(minimum_payable), 0) as value
from minimum_per_case
