-- V: the period's trade volume by entry-type group (type_group of E), in the shape of CBP's
-- annual trade statistics: entries, entry summary lines (distinct entry number + line number;
-- the tariff ordinals of one line count once), entered value (Chapter 99 ordinals left out:
-- they carry no value of their own), duty, and MPF + HMF fees (every ordinal). The
-- entry-lines metric and the report's "As DHS would report it" table both read it, so the
-- distinct lines are counted once per run; the amounts come from period_line_totals.
create or replace temp table period_volume as
with entries_per_group as (
    select type_group, count(*) as entries
    from period_entries
    group by type_group
),

lines_per_group as (
    -- an entry has one group, so (entry number, line number, group) is one line
    select type_group, count(*) as lines
    from (select distinct entry_number, line_number, type_group from period_lines
          where not $every_line_has_ordinal_1)
    group by type_group
    union all
    -- when the loads showed that every line has a tariff ordinal 1 row (load_files, see
    -- metrics/engine.py), a line is its ordinal 1 row: counted in T, no second pass over
    -- the lines (10M lines: about 1 s less)
    select type_group, sum(first_ordinals) as lines
    from period_line_totals
    where $every_line_has_ordinal_1
    group by type_group
    having sum(first_ordinals) > 0
),

amounts_per_group as (
    -- from the lines summed by attribute (period_line_totals), not the lines again
    select
        type_group,
        coalesce(sum(entered_value) filter (where not is_chapter_99), 0) as entered_value,
        -- null when no line of the group carries a duty amount: not provided, never $0.00
        case when sum(duty_rows) = 0 then null else sum(duty) end as duty,
        cast(sum(rows) - sum(duty_rows) as bigint) as duty_missing,
        sum(fees) as fees
    from period_line_totals
    group by type_group
)

select
    cast(g.type_group as integer) as type_group,
    g.entries,
    coalesce(l.lines, 0) as lines,
    coalesce(a.entered_value, 0) as entered_value,
    case when l.lines is null then 0 else a.duty end as duty,
    coalesce(a.fees, 0) as fees,
    coalesce(a.duty_missing, 0) as duty_missing
from entries_per_group as g
left join lines_per_group as l using (type_group)
left join amounts_per_group as a using (type_group)
order by g.type_group
