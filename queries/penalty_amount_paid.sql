-- id = "penalty_amount_paid"
-- title = "Penalties and liquidated damages paid"
-- unit = "usd"
-- section = "penalties"
-- definition = """
-- Sum of paid amount over cases in Pp (penalties and liquidated damages) whose paid_on is \
-- empty or before the end of the period: a payment made after the period's end is not \
-- counted "as of" its end. An empty paid amount counts as 0."""
-- basis = """
-- Penalties for fraud, gross negligence and negligence: 19 U.S.C. 1592; liquidated damages \
-- on bond claims: 19 CFR part 172; mitigation guidelines: 19 CFR part 171."""
-- authority = "statute"
-- status = "informational"

-- a payment dated after the period's end had not happened at it; an empty paid_amount is 0
select coalesce(sum(paid_amount), 0) as value
from period_penalties
where paid_on is null
   or paid_on < $period_end
