-- id = "penalty_floor_breaches"
-- title = "Cases mitigated below the EO penalty floor"
-- unit = "count"
-- section = "penalties"
-- definition = """
-- Cases in Pp whose mitigated_amount is below the policy's penalty floor (default 0.50) \
-- times assessed_amount."""
-- basis = "EO 14411 penalty floor on mitigation; mitigation: 19 CFR part 171."
-- status = "informational"

select count(*) as value
from period_penalties
where mitigated_amount < $penalty_floor * assessed_amount

-- exceptions
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
from period_penalties
where mitigated_amount < $penalty_floor * assessed_amount
order by case_number
