-- id = "duty_restoration_1592d"
-- title = "Duties to be restored, open 19 U.S.C. 1592 cases"
-- unit = "usd"
-- section = "penalties"
-- definition = """
-- Sum of loss of revenue over the importer cases under 19 U.S.C. 1592 open at the end of the \
-- period (the cases of max_statutory_exposure_1592): duties, taxes and fees to be restored \
-- under 1592(d) whatever the penalty. Not provided when none of the cases carries a loss of \
-- revenue; the cases lacking it are counted as missing."""
-- basis = "19 U.S.C. 1592(d) (restoration of lawful duties, taxes and fees)."
-- authority = "statute"
-- status = "informational"

with open_1592_cases as (
    select loss_of_revenue
    from open_cases_at_end
    where statute = '19USC1592'
      and not is_broker_case
)

select
    case when count(*) > 0 and count(loss_of_revenue) = 0 then null
         else coalesce(sum(loss_of_revenue), 0) end as value,
    count(*) - count(loss_of_revenue) as missing,
    count(*) as rows
from open_1592_cases
