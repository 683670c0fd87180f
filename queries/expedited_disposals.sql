-- id = "expedited_disposals"
-- title = "Expedited disposals"
-- unit = "count"
-- section = "disposals"
-- definition = """
-- Cases in D opened on or after the effective date, marked expedited (disposed of under the \
-- order's expedited process) and disposed of before the end of the period. Cases marked \
-- expedited but opened before the effective date are the before-the-order baseline: a \
-- data-quality finding, not counted."""
-- basis = "EO 14411 expedited disposal."
-- authority = "order"
-- dated = true
-- requires = ["disposals.expedited"]
-- status = "informational"

-- dated by opened_on: $scope_start/$scope_end select the cases opened on or after the
-- effective date (the figure) or before it (the baseline: marked expedited although opened
-- before the order, a data-quality finding, never counted in the figure)
select count(*) filter (where expedited and disposed_on < $period_end) as value
from period_disposals
where opened_on >= $scope_start
  and opened_on < $scope_end

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
    opened_on < $effective_on as predates_order,
    _file,
    _row
from period_disposals
where expedited
  and disposed_on < $period_end
order by case_id
