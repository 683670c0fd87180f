-- id = "penalty_floor_breaches"
-- title = "Cases mitigated below the EO penalty floor"
-- unit = "count"
-- section = "penalties"
-- definition = """
-- Floor cases in Pp (importer cases whose kind is in the policy's floor_applies_to, default \
-- penalty; not broker cases; issued on or after the floor's effective date) whose mitigated \
-- amount is below the floor (default 0.50) times the assessed amount. The floor is reported \
-- by secondary sources, not the order's text: a scenario of the policy."""
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

select count(*) as value
from floor_cases
where mitigated_amount < $penalty_floor * assessed_amount

-- exceptions
with floor_cases as (
    -- the reported EO floor applies to importer cases of the policy's kinds issued on or
    -- after its effective date (never broker cases, never before the date)
    select *
    from period_penalties
    where list_contains($floor_case_kinds, case_kind)
      and not is_broker_case
      and issued_on >= $effective_on
)

select
    case_number,
    case_kind,
    importer_number,
    entry_number,
    issued_on,
    status,
    assessed_amount,
    mitigated_amount,
    $penalty_floor * assessed_amount as floor_amount,
    $penalty_floor * assessed_amount - mitigated_amount as uplift_amount,
    _file,
    _row
from floor_cases
where mitigated_amount < $penalty_floor * assessed_amount
order by case_number
