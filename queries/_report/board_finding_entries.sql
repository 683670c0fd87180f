-- Report aggregate (board pack, not a metric): the entries behind each red or amber control,
-- with their money, as a temp table of this connection (`board_finding_entries`) that the
-- other board queries read. Nothing is written to the database.
--
-- Reads `board_finding_keys`, which report/board.py registers from the controls' exception
-- lists (records on or after the effective date only; the before-the-order baseline is no
-- finding): metric_id with either an entry_number (entry- and line-level lists: the entry
-- the record belongs to) or an importer_number and scope_start (importer-level lists: that
-- importer's entries of the period from scope_start on; no scope_start when the list's
-- records are the importer's penalty cases, not entries). An importer-level finding whose
-- importer has no entry in scope keeps one row without an entry.
--
-- Money per entry as the catalog counts it: entered value over its lines without Chapter 99
-- ordinals (L': they carry no value of their own), duty over every line and ordinal; lines
-- without a duty amount are counted (duty_missing), never read as zero.
create or replace temp table board_finding_entries as
-- Each finding entry's date and filer code come with it from the join that finds it (no
-- second join to the entries at the end: at 10M lines that join built a table of all 3.3M
-- entries for a few hundred thousand rows).
with entry_level as (
    select distinct
        k.metric_id,
        e.entry_number,
        e.importer_number,
        e.entry_date,
        coalesce(e.filer_code, left(e.entry_number, 3)) as filer_code
    from board_finding_keys as k
    join entries as e on e.entry_number = k.entry_number
    where k.entry_number is not null
),

importer_level as (
    select distinct k.metric_id, k.importer_number, k.scope_start
    from board_finding_keys as k
    where k.entry_number is null
      and k.importer_number is not null
),

importer_entries as (
    select
        i.metric_id,
        e.entry_number,
        i.importer_number,
        e.entry_date,
        coalesce(e.filer_code, left(e.entry_number, 3)) as filer_code
    from importer_level as i
    left join entries as e
      on i.scope_start is not null
     and e.importer_number = i.importer_number
     and e.entry_date >= greatest(i.scope_start, $period_start)
     and e.entry_date < $period_end
),

finding_entries as (
    select metric_id, entry_number, importer_number, entry_date, filer_code from entry_level
    union all
    select metric_id, entry_number, importer_number, entry_date, filer_code
    from importer_entries
),

entry_money as (
    select
        l.entry_number,
        coalesce(sum(l.entered_value) filter (where not starts_with(l.hts_number, '99')), 0)
            as entered_value,
        sum(l.duty_amount) as duty,
        count(*) - count(l.duty_amount) as duty_missing,
        count(*) as lines
    from entry_lines as l
    -- a join on the distinct entry numbers, not `in (select ...)`: half the time at 10M lines
    join (select distinct entry_number from finding_entries where entry_number is not null) as f
      on f.entry_number = l.entry_number
    group by l.entry_number
)

select
    f.metric_id,
    f.importer_number,
    f.entry_number,
    f.entry_date,
    f.filer_code,
    coalesce(m.entered_value, 0) as entered_value,
    m.duty,
    coalesce(m.duty_missing, 0) as duty_missing,
    coalesce(m.lines, 0) as lines
from finding_entries as f
left join entry_money as m on m.entry_number = f.entry_number
