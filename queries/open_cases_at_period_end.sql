-- id = "open_cases_at_period_end"
-- title = "Cases open at the end of the period"
-- unit = "count"
-- section = "penalties"
-- definition = """
-- Penalty and liquidated-damages cases of any issue date that are open at the end of the \
-- period: issued before the period end with status open, petitioned, mitigated or referred."""
-- basis = """
-- Penalties for fraud, gross negligence and negligence: 19 U.S.C. 1592; liquidated damages \
-- on bond claims: 19 CFR part 172; mitigation guidelines: 19 CFR part 171."""
-- status = "informational"

select count(*) as value
from open_cases_at_end

-- exceptions
select
    case_number,
    case_kind,
    statute,
    status,
    issued_on,
    importer_number,
    entry_number,
    assessed_amount,
    mitigated_amount,
    _file,
    _row
from open_cases_at_end
order by case_number
