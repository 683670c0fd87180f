-- id = "prior_disclosures"
-- title = "Entries covered by a prior disclosure"
-- unit = "count"
-- section = "disclosure"
-- definition = "Entries in E covered by a prior disclosure (prior_disclosure true)."
-- basis = "Prior disclosure: 19 U.S.C. 1592(c)(4), 19 CFR 162.74."
-- authority = "statute"
-- requires = ["entries.prior_disclosure"]
-- status = "informational"

select count(*) filter (where prior_disclosure) as value
from period_entries
