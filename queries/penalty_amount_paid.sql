-- id = "penalty_amount_paid"
-- title = "Penalties and liquidated damages paid"
-- unit = "usd"
-- section = "penalties"
-- definition = """
-- Sum of paid_amount over all cases in Pp, penalties and liquidated damages alike; 0 when \
-- there are none."""
-- basis = """
-- Penalties for fraud, gross negligence and negligence: 19 U.S.C. 1592; liquidated damages \
-- on bond claims: 19 CFR part 172; mitigation guidelines: 19 CFR part 171."""
-- status = "informational"

select coalesce(sum(paid_amount), 0) as value
from period_penalties
