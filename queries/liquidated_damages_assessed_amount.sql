-- id = "liquidated_damages_assessed_amount"
-- title = "Liquidated damages assessed"
-- unit = "usd"
-- section = "penalties"
-- definition = """
-- Sum of assessed_amount over liquidated-damages cases in Pp; 0 when there are none."""
-- basis = """
-- Penalties for fraud, gross negligence and negligence: 19 U.S.C. 1592; liquidated damages \
-- on bond claims: 19 CFR part 172; mitigation guidelines: 19 CFR part 171."""
-- authority = "statute"
-- status = "informational"

with claims as (
    select assessed_amount
    from period_penalties
    where case_kind = 'liquidated_damages'
)

select
    case when count(*) > 0 and count(assessed_amount) = 0 then null
         else coalesce(sum(assessed_amount), 0) end as value,
    count(*) - count(assessed_amount) as missing,
    count(*) as rows
from claims
