-- id = "eo_minimum_payable_open"
-- title = "Minimum payable under the order, open cases"
-- unit = "usd"
-- section = "penalties"
-- definition = """
-- Over floor cases open at the end of the period (importer cases of the policy's \
-- floor_applies_to kinds, issued on or after the floor's effective date): the assessed \
-- amount for cases of repeat-offender importers (no mitigation under the reported rule), \
-- floor x assessed amount for the rest, summed. A scenario of the reported readings; it \
-- covers other cases than the 1592 maximum (which is about open 1592 cases of any date)."""
-- basis = "EO 14411 penalty floor and loss of mitigation for repeat offenders."
-- authority = "reported"
-- status = "informational"

with open_floor_cases as (
    select *
    from open_cases_at_end
    where list_contains($floor_case_kinds, case_kind)
      and not is_broker_case
      and issued_on >= $effective_on
),

minimum_per_case as (
    select
        o.assessed_amount,
        case
            when r.importer_number is not null then o.assessed_amount
            else $penalty_floor * o.assessed_amount
        end as minimum_payable
    from open_floor_cases as o
    left join repeat_offenders as r on r.importer_number = o.importer_number
)

select
    case when count(*) > 0 and count(assessed_amount) = 0 then null
         else coalesce(sum(minimum_payable), 0) end as value,
    count(*) - count(assessed_amount) as missing,
    count(*) as rows
from minimum_per_case

-- exceptions
select
    o.case_number,
    o.case_kind,
    o.statute,
    o.status,
    o.issued_on,
    o.importer_number,
    o.assessed_amount,
    r.importer_number is not null as repeat_offender,
    case
        when r.importer_number is not null then o.assessed_amount
        else $penalty_floor * o.assessed_amount
    end as minimum_payable,
    o._file,
    o._row
from open_cases_at_end as o
left join repeat_offenders as r on r.importer_number = o.importer_number
where list_contains($floor_case_kinds, o.case_kind)
  and not o.is_broker_case
  and o.issued_on >= $effective_on
order by o.case_number
