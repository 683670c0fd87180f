-- Report aggregate (board pack, not a metric): the money behind each red or amber control:
-- its entries (each once), their importers of record, entered value (Chapter 99 ordinals
-- left out) and duty, with the lines that carried no duty amount. Reads the temp table of
-- board_finding_entries.sql. Shares and totals are made in Python (exact Decimal).
select
    metric_id,
    count(distinct entry_number) as entries,
    count(distinct importer_number) as importers,
    sum(entered_value) as entered_value,
    sum(duty) as duty,
    sum(duty_missing) as duty_missing,
    sum(lines) as lines
from board_finding_entries
group by metric_id
order by metric_id
