-- id = "disposed_domestic_value"
-- title = "Domestic value disposed of"
-- unit = "usd"
-- section = "disposals"
-- definition = """
-- Sum of domestic_value over cases in D with disposition destroyed, sold, exported, \
-- forfeited, abandoned or third_party_disposal; 0 when there are none."""
-- basis = """
-- Detentions: 19 U.S.C. 1499; seizures and forfeiture: 19 U.S.C. 1595a, 1602-1619, 19 CFR \
-- part 162; general order: 19 U.S.C. 1490, 19 CFR part 127; EO 14411 expedited disposal."""
-- status = "informational"

select coalesce(sum(domestic_value), 0) as value
from period_disposals
where disposition in ('destroyed', 'sold', 'exported', 'forfeited', 'abandoned', 'third_party_disposal')
