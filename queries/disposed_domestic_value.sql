-- id = "disposed_domestic_value"
-- title = "Domestic value disposed of"
-- unit = "usd"
-- section = "disposals"
-- definition = """
-- Sum of domestic value over cases in D disposed of (destroyed, sold, exported, forfeited, \
-- abandoned or third_party_disposal) before the end of the period; 0 when there are none, \
-- not provided when none of them carries a domestic value, and the count of those lacking \
-- it as missing."""
-- basis = """
-- Detentions: 19 U.S.C. 1499; seizures and forfeiture: 19 U.S.C. 1595a, 1602-1619, 19 CFR \
-- part 162; general order: 19 U.S.C. 1490, 19 CFR part 127; EO 14411 expedited disposal."""
-- authority = "statute"
-- status = "informational"

with disposed_by_period_end as (
    select domestic_value
    from period_disposals
    where disposition in ('destroyed', 'sold', 'exported', 'forfeited', 'abandoned', 'third_party_disposal')
      and disposed_on < $period_end
)

-- a sum over no cases is 0; over cases none of which carries the value, not provided (null)
select
    case when count(*) > 0 and count(domestic_value) = 0 then null
         else coalesce(sum(domestic_value), 0) end as value,
    count(*) - count(domestic_value) as missing,
    count(*) as rows
from disposed_by_period_end
