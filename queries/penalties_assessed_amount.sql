-- id = "penalties_assessed_amount"
-- title = "Penalties assessed"
-- unit = "usd"
-- section = "penalties"
-- definition = "Sum of assessed_amount over penalty cases in Pp; 0 when there are none."
-- basis = """
-- Penalties for fraud, gross negligence and negligence: 19 U.S.C. 1592; liquidated damages \
-- on bond claims: 19 CFR part 172; mitigation guidelines: 19 CFR part 171."""
-- status = "informational"

select coalesce(sum(assessed_amount) filter (where case_kind = 'penalty'), 0) as value
from period_penalties
