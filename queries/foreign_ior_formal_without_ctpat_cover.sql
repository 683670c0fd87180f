-- id = "foreign_ior_formal_without_ctpat_cover"
-- title = "Formal entries, foreign importer of record, no CTPAT cover"
-- unit = "count"
-- section = "eligibility"
-- definition = """
-- Formal entries in E* (on or after the effective date) with a foreign importer of record \
-- and no CTPAT cover: the importer is not a validated CTPAT partner (tier 2 or 3, validated \
-- on or before the entry date) and the entry was not filed by a licensed customs broker \
-- with an active license (the order as published: "either validation under CTPAT or the \
-- use of a licensed customs broker"). Under the policy scenario ctpat_validated_broker the \
-- broker must also be CTPAT-validated."""
-- basis = """
-- EO 14411 (foreign importers of record: CTPAT validation or a licensed customs broker); \
-- CTPAT: 6 U.S.C. 961 et seq.; customs brokers: 19 U.S.C. 1641."""
-- authority = "order"
-- dated = true
-- status = { better = "lower", green = "thresholds.foreign_ior_formal_without_ctpat_cover.green" }

select count(*) as value
from period_entries
where not is_informal
  and ior_status = 'foreign'
  and not ctpat_cover
  and entry_date >= $scope_start
  and entry_date < $scope_end

-- exceptions
select
    entry_number,
    entry_type,
    entry_date,
    importer_number,
    ior_status,
    ctpat_tier as importer_ctpat_tier,
    importer_ctpat_validated_on,
    effective_filer_code as filer_code,
    broker_in_registry,
    broker_licensed,
    broker_license_number,
    broker_license_status,
    broker_ctpat_validated,
    broker_ctpat_validated_on,
    entry_date < $effective_on as predates_order,
    _file,
    _row
from period_entries
where not is_informal
  and ior_status = 'foreign'
  and not ctpat_cover
order by entry_number
