-- id = "broker_penalty_cases"
-- title = "Broker penalty cases (19 U.S.C. 1641)"
-- unit = "count"
-- section = "penalties"
-- definition = """
-- Cases in Pp under 19 U.S.C. 1641 (customs broker penalties): the broker's exposure, \
-- listed for the broker relationship and never counted in the importer's exposure."""
-- basis = """
-- 19 U.S.C. 1641(d) (penalties against customs brokers); 19 CFR part 111."""
-- authority = "statute"
-- status = "informational"

select count(*) as value
from period_penalties
where is_broker_case

-- exceptions
select
    case_number,
    case_kind,
    filer_code,
    importer_number,
    entry_number,
    issued_on,
    status,
    assessed_amount,
    mitigated_amount,
    closed_on,
    _file,
    _row
from period_penalties
where is_broker_case
order by case_number
