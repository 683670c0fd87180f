-- id = "mitigation_rate"
-- title = "Mitigation rate"
-- unit = "rate"
-- section = "penalties"
-- definition = """
-- 1 - sum(mitigated_amount) / sum(assessed_amount) over cases in Pp that have a \
-- mitigated_amount and an assessed_amount above 0: the share of assessed amounts taken off \
-- by mitigation; null when no such case."""
-- basis = """
-- Mitigation of penalties and liquidated damages: 19 U.S.C. 1618, 19 CFR part 171; EO 14411 \
-- penalty floor."""
-- authority = "statute"
-- status = "informational"

-- 1 - M / A is returned as (A - M) / A so that the division happens exactly, outside SQL
with mitigated_cases as (
    select assessed_amount, mitigated_amount
    from period_penalties
    where mitigated_amount is not null
      and assessed_amount > 0
)

select
    sum(assessed_amount) - sum(mitigated_amount) as numerator,
    sum(assessed_amount) as denominator
from mitigated_cases
