-- V: the period's trade volume by entry-type group, in the shape of CBP's annual trade
-- statistics: entries, entry summary lines (distinct entry number + line number; the tariff
-- ordinals of one line count once), entered value (Chapter 99 ordinals left out: they carry
-- no value of their own), duty, and MPF + HMF fees (every ordinal). The entry-lines metric
-- and the report's "As DHS would report it" table both read it, so the distinct lines are
-- counted once per run.
create or replace temp table period_volume as
with entry_groups as (
    select
        entry_number,
        case
            when entry_type between '01' and '08' then 1
            when entry_type in ('11', '12') then 2
            when entry_type between '21' and '26' then 3
            when entry_type between '31' and '38' then 4
            when entry_type in ('51', '52') then 5
            else 6
        end as type_group
    from period_entries
),

line_totals as (
    -- one row per entry line, its ordinals summed
    select
        entry_number,
        sum(case when is_chapter_99 then 0 else entered_value end) as entered_value,
        sum(duty_amount) as duty,
        sum(coalesce(mpf_amount, 0) + coalesce(hmf_amount, 0)) as fees
    from period_lines
    group by entry_number, line_number
),

lines_per_group as (
    select
        g.type_group,
        count(*) as lines,
        sum(l.entered_value) as entered_value,
        sum(l.duty) as duty,
        sum(l.fees) as fees
    from line_totals as l
    join entry_groups as g using (entry_number)
    group by g.type_group
),

entries_per_group as (
    select type_group, count(*) as entries
    from entry_groups
    group by type_group
)

select
    g.type_group,
    g.entries,
    coalesce(l.lines, 0) as lines,
    coalesce(l.entered_value, 0) as entered_value,
    coalesce(l.duty, 0) as duty,
    coalesce(l.fees, 0) as fees
from entries_per_group as g
left join lines_per_group as l using (type_group)
order by g.type_group
