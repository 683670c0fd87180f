-- id = "foreign_ior_formal_without_ctpat_cover_licensed"
-- title = "Formal entries, foreign importer of record, no CTPAT cover (the order as published)"
-- unit = "count"
-- section = "eligibility"
-- definition = """
-- The same count as foreign_ior_formal_without_ctpat_cover under the order as published \
-- (licensed: a licensed customs broker with an active license covers the entry), whatever \
-- the policy says. Beside the _strict figure it shows how much the control depends on the \
-- reading; under the default policy it equals the control."""
-- basis = """
-- EO 14411 (foreign importers of record: "either validation under CTPAT or the use of a \
-- licensed customs broker"); customs brokers: 19 U.S.C. 1641."""
-- authority = "order"
-- dated = true
-- status = "informational"

select count(*) as value
from period_entries
where not is_informal
  and ior_status = 'foreign'
  and not (importer_ctpat_cover or broker_licensed)
  and entry_date >= $scope_start
  and entry_date < $scope_end

-- exceptions
select
    entry_number,
    entry_type,
    entry_date,
    importer_number,
    ctpat_tier as importer_ctpat_tier,
    importer_ctpat_validated_on,
    effective_filer_code as filer_code,
    broker_license_number,
    broker_license_status,
    broker_ctpat_validated,
    broker_ctpat_validated_on,
    ctpat_cover_strict as covered_under_strict_reading,
    entry_date < $effective_on as predates_order,
    _file,
    _row
from period_entries
where not is_informal
  and ior_status = 'foreign'
  and not (importer_ctpat_cover or broker_licensed)
order by entry_number
