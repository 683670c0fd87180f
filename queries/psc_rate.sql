-- id = "psc_rate"
-- title = "Post-summary correction rate"
-- unit = "rate"
-- section = "disclosure"
-- definition = """
-- Entries in E with a post-summary correction filed divided by all entries in E; null when E \
-- is empty. Lower is better: a correction means the entry was filed wrong."""
-- basis = """
-- CBP post-summary correction process in ACE (corrections before liquidation); accuracy of \
-- entry: 19 U.S.C. 1484."""
-- authority = "indicator"
-- requires = ["entries.psc_filed"]
-- status = { better = "lower", green = "thresholds.psc_rate.green", amber = "thresholds.psc_rate.amber" }

select
    count(*) filter (where psc_filed) as numerator,
    count(*) as denominator
from period_entries

-- exceptions
-- the entries that raise the rate: a correction was filed
select
    entry_number,
    entry_date,
    importer_number,
    psc_filed,
    _file,
    _row
from period_entries
where psc_filed
order by entry_number
