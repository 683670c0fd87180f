-- Report aggregate (board pack, not a metric): the entries behind any of the given red or
-- amber controls ($metric_ids), each entry counted once however many controls it fails,
-- with their entered value and duty (temp table of board_finding_entries.sql).
with entries_at_stake as (
    select distinct entry_number, entered_value, duty, duty_missing, lines
    from board_finding_entries
    where entry_number is not null
      and list_contains($metric_ids, metric_id)
)

select
    count(*) as entries,
    coalesce(sum(entered_value), 0) as entered_value,
    sum(duty) as duty,
    coalesce(sum(duty_missing), 0) as duty_missing,
    coalesce(sum(lines), 0) as lines
from entries_at_stake
