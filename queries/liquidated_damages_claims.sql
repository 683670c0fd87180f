-- id = "liquidated_damages_claims"
-- title = "Liquidated damages claims"
-- unit = "count"
-- section = "penalties"
-- definition = "Cases in Pp (issued in the period) with case_kind liquidated_damages."
-- basis = """
-- Penalties for fraud, gross negligence and negligence: 19 U.S.C. 1592; liquidated damages \
-- on bond claims: 19 CFR part 172; mitigation guidelines: 19 CFR part 171."""
-- authority = "statute"
-- status = "informational"

select count(*) filter (where case_kind = 'liquidated_damages') as value
from period_penalties
