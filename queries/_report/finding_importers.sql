-- Report aggregate (board pack, not a metric): one row per finding of the remediation
-- register: a red or amber control and the importer of record whose records it concerns,
-- with the entries, entered value and duty behind it. Reads the temp table of
-- board_finding_entries.sql; names come from the importer registry (none when the importer
-- is not in it).
select
    f.metric_id,
    f.importer_number,
    i.importer_name,
    count(distinct f.entry_number) as entries,
    sum(f.entered_value) as entered_value,
    sum(f.duty) as duty,
    sum(f.duty_missing) as duty_missing,
    sum(f.lines) as lines
from board_finding_entries as f
left join importers as i on i.importer_number = f.importer_number
group by f.metric_id, f.importer_number, i.importer_name
order by f.metric_id, f.importer_number
