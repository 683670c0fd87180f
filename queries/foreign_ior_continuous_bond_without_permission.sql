-- id = "foreign_ior_continuous_bond_without_permission"
-- title = "Continuous bond used by a foreign importer of record without permission"
-- unit = "count"
-- section = "eligibility"
-- definition = """
-- Entries in E with a foreign importer of record, bond type 8 (continuous bond), and no CBP \
-- permission for that importer to use a continuous bond (continuous_bond_permitted false or \
-- unknown, or importer missing from the registry)."""
-- basis = """
-- EO 14411 (bond conditions for foreign importers of record); customs bonds: 19 CFR part \
-- 113."""
-- authority = "reported"
-- dated = true
-- requires = ["entries.bond_type"]
-- status = { better = "lower", green = "thresholds.foreign_ior_continuous_bond_without_permission.green" }

select count(*) as value
from period_entries
where ior_status = 'foreign'
  and bond_type = '8'
  and not coalesce(continuous_bond_permitted, false)
  and entry_date >= $scope_start
  and entry_date < $scope_end

-- exceptions
select
    entry_number,
    entry_date,
    importer_number,
    ior_status,
    bond_type,
    continuous_bond_permitted,
    entry_date < $effective_on as predates_order,
    _file,
    _row
from period_entries
where ior_status = 'foreign'
  and bond_type = '8'
  and not coalesce(continuous_bond_permitted, false)
order by entry_number
