-- id = "pending_disposals_at_period_end"
-- title = "Disposals pending at the end of the period"
-- unit = "count"
-- section = "disposals"
-- definition = """
-- Cases in D with no disposed_on date, or a disposed_on date on or after the end of the \
-- period."""
-- basis = """
-- Detentions: 19 U.S.C. 1499; seizures and forfeiture: 19 U.S.C. 1595a, 1602-1619, 19 CFR \
-- part 162; general order: 19 U.S.C. 1490, 19 CFR part 127; EO 14411 expedited disposal."""
-- authority = "statute"
-- status = "informational"

select count(*) as value
from period_disposals
where disposed_on is null
   or disposed_on >= $period_end

-- exceptions
select
    case_id,
    action,
    program,
    opened_on,
    disposition,
    disposed_on,
    entry_number,
    importer_number,
    _file,
    _row
from period_disposals
where disposed_on is null
   or disposed_on >= $period_end
order by case_id
