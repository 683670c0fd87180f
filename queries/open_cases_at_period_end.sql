-- id = "open_cases_at_period_end"
-- title = "Cases open at the end of the period"
-- unit = "count"
-- section = "penalties"
-- definition = """
-- Importer cases of any kind (penalties and liquidated damages; not broker cases under 19 \
-- U.S.C. 1641) open at the end of the period: issued before it, and closed on or after it, \
-- or without a closed_on date and open, petitioned, mitigated or referred."""
-- basis = """
-- Penalties for fraud, gross negligence and negligence: 19 U.S.C. 1592; liquidated damages \
-- on bond claims: 19 CFR part 172; mitigation guidelines: 19 CFR part 171."""
-- authority = "statute"
-- status = "informational"

-- importer cases only: a broker case (19 U.S.C. 1641) is the broker's exposure
select count(*) as value
from open_cases_at_end
where not is_broker_case

-- exceptions
select
    case_number,
    case_kind,
    statute,
    status,
    issued_on,
    closed_on,
    importer_number,
    entry_number,
    assessed_amount,
    mitigated_amount,
    _file,
    _row
from open_cases_at_end
where not is_broker_case
order by case_number
