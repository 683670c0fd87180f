-- id = "foreign_ior_formal_without_ctpat_cover"
-- title = "Formal entries, foreign importer of record, no CTPAT cover"
-- unit = "count"
-- section = "eligibility"
-- definition = """
-- Formal entries in E with a foreign importer of record and no CTPAT cover: the importer is \
-- not a validated CTPAT partner (tier 2 or 3, validated on or before the entry date) and the \
-- filer is not a licensed, active, CTPAT-validated broker (any licensed active broker under \
-- the policy's loose reading)."""
-- basis = """
-- EO 14411 (foreign importers of record need CTPAT cover); CTPAT: 6 U.S.C. 961 et seq.; \
-- customs brokers: 19 U.S.C. 1641."""
-- status = { better = "lower", green = "thresholds.foreign_ior_formal_without_ctpat_cover.green" }

select count(*) as value
from period_entries
where not is_informal
  and ior_status = 'foreign'
  and not ctpat_cover

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
    broker_license_number,
    broker_license_status,
    broker_ctpat_validated,
    broker_ctpat_validated_on,
    _file,
    _row
from period_entries
where not is_informal
  and ior_status = 'foreign'
  and not ctpat_cover
order by entry_number
