-- id = "repeat_offender_importers"
-- title = "Repeat-offender importers"
-- unit = "count"
-- section = "penalties"
-- definition = """
-- Distinct importer numbers with at least 2 decided penalty cases of their own (case_kind \
-- penalty; status mitigated, paid, referred or closed; not broker cases) issued in the 5 \
-- years before the end of the period, [end - 5 years, end); window and count come from the \
-- policy. Cancelled cases never count; pending ones are counted apart \
-- (repeat_offender_importers_pending). Under the reported rule they lose mitigation."""
-- basis = "EO 14411 (repeat offenders lose mitigation); penalties: 19 U.S.C. 1592."
-- authority = "reported"
-- status = { better = "lower", green = "thresholds.repeat_offender_importers.green" }

select count(*) as value
from repeat_offenders

-- exceptions
select
    r.importer_number,
    i.importer_name,
    r.decided_cases,
    r.decided_case_numbers,
    r.pending_cases,
    r.first_issued_on,
    r.last_issued_on,
    $repeat_window_start as window_start,
    $period_end as window_end_exclusive,
    i._file,
    i._row
from repeat_offenders as r
left join importers as i on i.importer_number = r.importer_number
order by r.importer_number
