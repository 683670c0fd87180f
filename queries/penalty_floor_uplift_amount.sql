-- id = "penalty_floor_uplift_amount"
-- title = "Additional amount under the EO penalty floor"
-- unit = "usd"
-- section = "penalties"
-- definition = """
-- Sum over the floor breaches (see penalty_floor_breaches) of floor x assessed amount - \
-- mitigated amount: what those cases would have cost more under the reported floor."""
-- basis = "EO 14411 penalty floor on mitigation; mitigation: 19 CFR part 171."
-- authority = "reported"
-- status = "informational"

with floor_cases as (
    -- the reported EO floor applies to importer cases of the policy's kinds issued on or
    -- after its effective date (never broker cases, never before the date)
    select *
    from period_penalties
    where list_contains($floor_case_kinds, case_kind)
      and not is_broker_case
      and issued_on >= $effective_on
)

select coalesce(sum($penalty_floor * assessed_amount - mitigated_amount), 0) as value
from floor_cases
where mitigated_amount < $penalty_floor * assessed_amount
