-- id = "median_days_to_disposal"
-- title = "Median days to disposal"
-- unit = "days"
-- section = "disposals"
-- definition = """
-- Median of (disposed_on - opened_on) in days over cases in D disposed of before the end of \
-- the period with a disposition other than pending or released; null (n/a) when there are \
-- none."""
-- basis = """
-- Detentions: 19 U.S.C. 1499; seizures and forfeiture: 19 U.S.C. 1595a, 1602-1619, 19 CFR \
-- part 162; general order: 19 U.S.C. 1490, 19 CFR part 127; EO 14411 expedited disposal."""
-- authority = "statute"
-- status = "informational"

-- the median of whole days is a whole or half number: decimal(18, 1) holds it exactly;
-- only what had happened by the period's end counts
select cast(median(disposed_on - opened_on) as decimal(18, 1)) as value
from period_disposals
where disposed_on < $period_end
  and disposition not in ('pending', 'released')
