-- Report aggregate (not a metric): the period's trade volume in the shape of CBP's
-- annual trade statistics: entries, entry summary lines, entered value and duties,
-- by entry type group. Entered value leaves out Chapter 99 ordinals (no value of
-- their own); duty, MPF and HMF count every ordinal.
with entries_in_period as (
  -- rowid: a number per entry (entry numbers are unique), so the distinct lines below
  -- are counted on (number, line number) pairs instead of (text, number) pairs.
  select entry_number,
         rowid as entry_key,
         case
           when entry_type between '01' and '08' then 1
           when entry_type in ('11', '12') then 2
           when entry_type between '21' and '26' then 3
           when entry_type between '31' and '38' then 4
           when entry_type in ('51', '52') then 5
           else 6
         end as type_group
  from entries
  where entry_date >= $period_start and entry_date < $period_end
),
lines_of_period_entries as (
  select e.type_group,
         e.entry_key,
         l.line_number,
         case when l.hts_number like '99%' then 0 else l.entered_value end as entered_value,
         l.duty_amount,
         coalesce(l.mpf_amount, 0) + coalesce(l.hmf_amount, 0) as fees
  from entry_lines as l
  join entries_in_period as e using (entry_number)
),
lines_per_group as (
  select type_group,
         count(distinct (entry_key, line_number)) as lines,
         coalesce(sum(entered_value), 0) as entered_value,
         coalesce(sum(duty_amount), 0) as duty,
         coalesce(sum(fees), 0) as fees
  from lines_of_period_entries
  group by type_group
),
entries_per_group as (
  select type_group, count(*) as entries
  from entries_in_period
  group by type_group
)
select g.type_group,
       g.entries,
       coalesce(l.lines, 0) as lines,
       coalesce(l.entered_value, 0) as entered_value,
       coalesce(l.duty, 0) as duty,
       coalesce(l.fees, 0) as fees
from entries_per_group as g
left join lines_per_group as l using (type_group)
order by g.type_group
