-- E: entries whose entry_date falls in the period [$period_start, $period_end), with the
-- derived columns every metric needs: informal or formal, importer-of-record status,
-- CTPAT cover under the policy's broker reading and under the stricter one, and the
-- registry facts (good standing, continuous-bond permission). Dated metrics restrict E to
-- [$scope_start, $scope_end) themselves (E* or its before-the-order complement).
create or replace temp table period_entries as
with entries_in_period as (
    select *
    from entries
    where entry_date >= $period_start
      and entry_date < $period_end
),

importer_ior_status as (
    -- the data contract's reading: the explicit foreign_ior flag wins; otherwise any failed
    -- U.S. test makes the importer foreign, four passed tests domestic, anything else unknown
    select
        importer_number,
        good_standing,
        continuous_bond_permitted,
        ctpat_tier,
        ctpat_validated_on,
        case
            when foreign_ior is not null then (case when foreign_ior then 'foreign' else 'domestic' end)
            when us_organized = false
              or us_physical_presence = false
              or us_assets_sufficient = false
              or us_controlling_owner = false then 'foreign'
            when us_organized and us_physical_presence
              and us_assets_sufficient and us_controlling_owner then 'domestic'
            else 'unknown'
        end as ior_status
    from importers
),

entries_with_importer as (
    select
        e.*,
        coalesce(e.filer_code, left(e.entry_number, 3)) as effective_filer_code,
        coalesce(list_contains($informal_types, e.entry_type), false) as is_informal,
        -- the entry-type groups of CBP's trade statistics (period_volume)
        cast(case
            when e.entry_type between '01' and '08' then 1
            when e.entry_type in ('11', '12') then 2
            when e.entry_type between '21' and '26' then 3
            when e.entry_type between '31' and '38' then 4
            when e.entry_type in ('51', '52') then 5
            else 6
        end as utinyint) as type_group,
        i.importer_number is not null as importer_in_registry,
        coalesce(i.ior_status, 'unknown') as ior_status,
        i.good_standing,
        i.continuous_bond_permitted,
        i.ctpat_tier,
        i.ctpat_validated_on as importer_ctpat_validated_on,
        coalesce(
            list_contains($ctpat_tiers, i.ctpat_tier)
            and (i.ctpat_validated_on is null or i.ctpat_validated_on <= e.entry_date),
            false
        ) as importer_ctpat_cover
    from entries_in_period as e
    left join importer_ior_status as i on i.importer_number = e.importer_number
)

select
    e.*,
    b.filer_code is not null as broker_in_registry,
    b.license_number as broker_license_number,
    b.license_status as broker_license_status,
    b.ctpat_validated as broker_ctpat_validated,
    b.ctpat_validated_on as broker_ctpat_validated_on,
    -- the order as published: the entry is filed by a licensed customs broker (license
    -- number given, license active; an empty status with a license number is active, as the
    -- data contract says and the loader stores it)
    coalesce(b.license_number is not null
             and coalesce(b.license_status, 'active') = 'active', false) as broker_licensed,
    -- the stricter reading reported by secondary sources: that broker is also CTPAT-validated
    -- (validated on or before the entry date)
    coalesce(
        b.license_number is not null
        and coalesce(b.license_status, 'active') = 'active'
        and b.ctpat_validated
        and (b.ctpat_validated_on is null or b.ctpat_validated_on <= e.entry_date),
        false
    ) as broker_ctpat_validated_on_entry,
    -- CTPAT cover under the policy's reading ($broker_ctpat_required) and under the strict one
    e.importer_ctpat_cover
        or (case when $broker_ctpat_required then broker_ctpat_validated_on_entry
                 else broker_licensed end) as ctpat_cover,
    e.importer_ctpat_cover or broker_ctpat_validated_on_entry as ctpat_cover_strict
from entries_with_importer as e
left join brokers as b on b.filer_code = e.effective_filer_code
