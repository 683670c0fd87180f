-- id = "penalty_floor_uplift_amount"
-- title = "Additional amount under the EO penalty floor"
-- unit = "usd"
-- section = "penalties"
-- definition = """
-- Sum over the penalty_floor_breaches cases of (floor x assessed_amount - mitigated_amount): \
-- what those cases would have cost more under the floor; 0 when there are none."""
-- basis = "EO 14411 penalty floor on mitigation; mitigation: 19 CFR part 171."
-- status = "informational"

select coalesce(sum($penalty_floor * assessed_amount - mitigated_amount), 0) as value
from period_penalties
where mitigated_amount < $penalty_floor * assessed_amount
