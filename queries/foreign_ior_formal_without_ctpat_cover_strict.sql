-- id = "foreign_ior_formal_without_ctpat_cover_strict"
-- title = "Formal entries, foreign importer of record, no CTPAT cover (stricter reading)"
-- unit = "count"
-- section = "eligibility"
-- definition = """
-- The same count as foreign_ior_formal_without_ctpat_cover under the stricter reading \
-- reported by secondary sources (ctpat_validated_broker: the licensed broker must itself be \
-- CTPAT-validated, on or before the entry date), whatever the policy says: formal entries \
-- in E* with a foreign importer of record that is not a validated CTPAT partner and whose \
-- filer is not an active, licensed, CTPAT-validated broker. Shows how much the control \
-- depends on the reading."""
-- basis = """
-- Reported reading of EO 14411 (a CTPAT-validated broker); CTPAT: 6 U.S.C. 961 et seq.; \
-- customs brokers: 19 U.S.C. 1641."""
-- authority = "reported"
-- dated = true
-- status = "informational"

select count(*) as value
from period_entries
where not is_informal
  and ior_status = 'foreign'
  and not ctpat_cover_strict
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
    ctpat_cover as covered_under_policy_reading,
    entry_date < $effective_on as predates_order,
    _file,
    _row
from period_entries
where not is_informal
  and ior_status = 'foreign'
  and not ctpat_cover_strict
order by entry_number
