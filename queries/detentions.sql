-- id = "detentions"
-- title = "Detentions"
-- unit = "count"
-- section = "disposals"
-- definition = "Cases in D with action detention."
-- basis = """
-- Detentions: 19 U.S.C. 1499; seizures and forfeiture: 19 U.S.C. 1595a, 1602-1619, 19 CFR \
-- part 162; general order: 19 U.S.C. 1490, 19 CFR part 127; EO 14411 expedited disposal."""
-- authority = "statute"
-- status = "informational"

select count(*) filter (where action = 'detention') as value
from period_disposals
