-- id = "duty_total"
-- title = "Duty"
-- unit = "usd"
-- section = "volume"
-- definition = """
-- Sum of duty amounts over every line and tariff ordinal of E (L), Chapter 99 ordinals \
-- included; 0 when there are none."""
-- basis = """
-- Volume figures as in DHS/CBP annual trade and enforcement statistics; entry summaries \
-- filed in ACE (19 U.S.C. 1484, 19 CFR part 142). Duties as deposited on the entry summary \
-- (CBP Form 7501)."""
-- authority = "indicator"
-- status = "informational"

-- a sum over no lines is 0; over lines none of which carries the amount, not provided
-- (L summed by attribute: period_line_totals)
select
    case when sum(rows) > 0 and sum(duty_rows) = 0 then null
         else coalesce(sum(duty), 0) end as value,
    coalesce(sum(rows) - sum(duty_rows), 0) as missing,
    coalesce(sum(rows), 0) as rows
from period_line_totals
