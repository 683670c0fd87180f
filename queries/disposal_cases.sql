-- id = "disposal_cases"
-- title = "Detention, seizure, general-order and abandonment cases"
-- unit = "count"
-- section = "disposals"
-- definition = "Cases in D (opened in the period), of every action."
-- basis = """
-- Detentions: 19 U.S.C. 1499; seizures and forfeiture: 19 U.S.C. 1595a, 1602-1619, 19 CFR \
-- part 162; general order: 19 U.S.C. 1490, 19 CFR part 127; EO 14411 expedited disposal."""
-- authority = "statute"
-- status = "informational"

select count(*) as value
from period_disposals
