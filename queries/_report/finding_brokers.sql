-- Report aggregate (board pack, not a metric): the entries behind each red or amber control
-- by the filer code that filed them (the broker scorecard's findings). Reads the temp table
-- of board_finding_entries.sql.
select
    filer_code,
    metric_id,
    count(distinct entry_number) as entries
from board_finding_entries
where entry_number is not null
group by filer_code, metric_id
order by filer_code, metric_id
