-- id = "expedited_disposals"
-- title = "Expedited disposals"
-- unit = "count"
-- section = "disposals"
-- definition = "Cases in D disposed of under the order's expedited process (expedited true)."
-- basis = "EO 14411 expedited disposal."
-- status = "informational"

select count(*) filter (where expedited) as value
from period_disposals
