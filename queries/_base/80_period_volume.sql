-- V: the period's trade volume by entry-type group, in the shape of CBP's annual trade
-- statistics: entries, entry summary lines (distinct entry number + line number; the tariff
-- ordinals of one line count once), entered value (Chapter 99 ordinals left out: they carry
-- no value of their own), duty, and MPF + HMF fees (every ordinal). The entry-lines metric
-- and the report's "As DHS would report it" table both read it, so the distinct lines are
-- counted once per run. Figures are gathered per entry type, then per group.
create or replace temp table period_volume as
with entries_by_type as (
    select entry_type, count(*) as entries
    from period_entries
    group by entry_type
),

lines_by_type as (
    -- an entry has one type, so (entry number, line number, type) is one line
    select entry_type, count(*) as lines
    from (select distinct entry_number, line_number, entry_type from period_lines)
    group by entry_type
),

amounts_by_type as (
    select
        entry_type,
        sum(case when is_chapter_99 then 0 else entered_value end) as entered_value,
        sum(duty_amount) as duty,
        sum(coalesce(mpf_amount, 0) + coalesce(hmf_amount, 0)) as fees
    from period_lines
    group by entry_type
),

by_type as (
    select
        case
            when e.entry_type between '01' and '08' then 1
            when e.entry_type in ('11', '12') then 2
            when e.entry_type between '21' and '26' then 3
            when e.entry_type between '31' and '38' then 4
            when e.entry_type in ('51', '52') then 5
            else 6
        end as type_group,
        e.entries,
        l.lines,
        a.entered_value,
        a.duty,
        a.fees
    from entries_by_type as e
    left join lines_by_type as l using (entry_type)
    left join amounts_by_type as a using (entry_type)
)

select
    type_group,
    sum(entries) as entries,
    coalesce(sum(lines), 0) as lines,
    coalesce(sum(entered_value), 0) as entered_value,
    coalesce(sum(duty), 0) as duty,
    coalesce(sum(fees), 0) as fees
from by_type
group by type_group
order by type_group
