-- Report aggregate (board pack, not a metric): the money of the period's entries summed once
-- per importer of record and filer code, as a temp table of this connection
-- (`board_money_by_importer_filer`) that both scorecards read: the importer scorecard sums it
-- over filer codes, the broker scorecard over importers. At 10M lines one pass over the
-- lines instead of two (one per scorecard); the sums are exact decimals, so summing them
-- again gives the figures summed over the lines.
--
-- The filer code is the entry's, or the first three characters of its entry number when it
-- names none (as the period working set reads it). Entered value leaves Chapter 99 ordinals
-- out (L'); duty counts every ordinal, with the lines that carried no amount (never zero).
create or replace temp table board_money_by_importer_filer as
select
    e.importer_number,
    coalesce(e.filer_code, left(e.entry_number, 3)) as filer_code,
    coalesce(sum(l.entered_value) filter (where not starts_with(l.hts_number, '99')), 0)
        as entered_value,
    sum(l.duty_amount) as duty,
    count(*) - count(l.duty_amount) as duty_missing,
    count(*) as lines
from entries as e
join entry_lines as l on l.entry_number = e.entry_number
where e.entry_date >= $period_start
  and e.entry_date < $period_end
group by all
