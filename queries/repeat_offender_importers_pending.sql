-- id = "repeat_offender_importers_pending"
-- title = "Would-be repeat offenders (pending cases)"
-- unit = "count"
-- section = "penalties"
-- definition = """
-- Distinct importers not counted as repeat offenders who would reach the count (default 2 \
-- in 5 years) if their pending penalty cases (open or petitioned) in the window were \
-- decided against them."""
-- basis = """
-- Reported reading of EO 14411 (repeat offenders lose mitigation); penalties: 19 U.S.C. \
-- 1592."""
-- authority = "reported"
-- status = "informational"

select count(*) as value
from repeat_offender_status
where would_be_repeat_offender

-- exceptions
select
    r.importer_number,
    i.importer_name,
    r.decided_cases,
    r.decided_case_numbers,
    r.pending_cases,
    r.pending_case_numbers,
    $repeat_window_start as window_start,
    $period_end as window_end_exclusive,
    i._file,
    i._row
from repeat_offender_status as r
left join importers as i on i.importer_number = r.importer_number
where r.would_be_repeat_offender
order by r.importer_number
