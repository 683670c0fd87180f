-- id = "repeat_offender_importers"
-- title = "Repeat-offender importers"
-- unit = "count"
-- section = "penalties"
-- definition = """
-- Distinct importer numbers with at least 2 penalty cases (case_kind penalty) issued in the \
-- 5 years before the end of the period, [end - 5 years, end); window and count come from the \
-- policy. Under the order they lose mitigation."""
-- basis = "EO 14411 (repeat offenders lose mitigation); penalties: 19 U.S.C. 1592."
-- status = { better = "lower", green = "thresholds.repeat_offender_importers.green" }

select count(*) as value
from repeat_offenders

-- exceptions
select
    r.importer_number,
    i.importer_name,
    r.penalty_cases_in_window,
    r.case_numbers,
    r.first_issued_on,
    r.last_issued_on,
    $repeat_window_start as window_start,
    $period_end as window_end_exclusive,
    i._file,
    i._row
from repeat_offenders as r
left join importers as i on i.importer_number = r.importer_number
order by r.importer_number
