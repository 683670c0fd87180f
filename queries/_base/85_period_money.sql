-- M: the money of the period's entries per importer of record and filer code, from the lines
-- summed by attribute (period_line_totals), not the lines again. The filer code is the
-- entry's, or the first three characters of its entry number when it names none (E's
-- effective_filer_code). Entered value leaves Chapter 99 ordinals out (L'); duty counts
-- every ordinal, null where no line of the group carries an amount (not provided, never
-- $0.00), with the lines that carried none (duty_missing). Stored with the run beside the
-- volume table (`metric_money_*`); the report's two scorecards sum it, the importer
-- scorecard over filer codes, the broker scorecard over importers.
create or replace temp table period_money as
select
    importer_number,
    effective_filer_code as filer_code,
    coalesce(sum(entered_value) filter (where not is_chapter_99), 0) as entered_value,
    sum(duty) as duty,
    cast(sum(rows) - sum(duty_rows) as bigint) as duty_missing,
    cast(sum(rows) as bigint) as lines
from period_line_totals
group by all
