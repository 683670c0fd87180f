-- Report aggregate (board pack, not a metric): every importer of record with an entry in
-- the period, none left out, with its registry facts, entries, entered value and duty, and
-- the money behind its findings.
--
-- Its status (foreign / domestic / unknown) follows the data contract's reading exactly as
-- the period working set does (queries/_base/10_period_entries.sql; a test holds the two
-- together): the explicit foreign_ior flag wins; otherwise any failed U.S. test makes the
-- importer foreign, four passed tests domestic, anything else unknown. status_reason says
-- which of those made it so.
--
-- Its money (entered value, duty) is summed from board_money_by_importer_filer
-- (money_by_importer_filer.sql), built once for both scorecards.
--
-- Money at stake: the entries behind any red or amber finding on its records, each entry
-- once (temp table of board_finding_entries.sql). Entered value leaves Chapter 99 ordinals
-- out (L'); duty counts every ordinal, with the lines that carried no amount.
with entries_in_period as (
    select
        entry_number,
        importer_number,
        coalesce(list_contains($informal_types, entry_type), false) as is_informal
    from entries
    where entry_date >= $period_start
      and entry_date < $period_end
),

entries_per_importer as (
    select
        importer_number,
        count(*) as entries,
        count(*) filter (where not is_informal) as formal_entries,
        count(*) filter (where is_informal) as informal_entries
    from entries_in_period
    group by importer_number
),

money_per_importer as (
    -- the lines' money per importer and filer code (money_by_importer_filer.sql), summed
    select
        importer_number,
        sum(entered_value) as entered_value,
        sum(duty) as duty,
        sum(duty_missing) as duty_missing,
        sum(lines) as lines
    from board_money_by_importer_filer
    group by importer_number
),

entries_at_stake as (
    select distinct importer_number, entry_number, entered_value, duty, duty_missing, lines
    from board_finding_entries
    where entry_number is not null
),

at_stake_per_importer as (
    select
        importer_number,
        count(*) as entries_at_stake,
        sum(entered_value) as value_at_stake,
        sum(duty) as duty_at_stake,
        sum(duty_missing) as duty_missing_at_stake,
        sum(lines) as lines_at_stake
    from entries_at_stake
    group by importer_number
)

select
    n.importer_number,
    i.importer_number is not null as in_registry,
    i.importer_name,
    i.country,
    case
        when i.importer_number is null then 'unknown'
        when i.foreign_ior is not null then (case when i.foreign_ior then 'foreign' else 'domestic' end)
        when i.us_organized = false
          or i.us_physical_presence = false
          or i.us_assets_sufficient = false
          or i.us_controlling_owner = false then 'foreign'
        when i.us_organized and i.us_physical_presence
          and i.us_assets_sufficient and i.us_controlling_owner then 'domestic'
        else 'unknown'
    end as ior_status,
    case
        when i.importer_number is null then 'not in the importer registry'
        when i.foreign_ior is not null then
            'registry states foreign_ior = ' || (case when i.foreign_ior then 'true' else 'false' end)
        when i.us_organized = false
          or i.us_physical_presence = false
          or i.us_assets_sufficient = false
          or i.us_controlling_owner = false then
            'failed: ' || concat_ws(', ',
                case when i.us_organized = false then 'U.S.-organized' end,
                case when i.us_physical_presence = false then 'U.S. physical presence' end,
                case when i.us_assets_sufficient = false then 'U.S. assets' end,
                case when i.us_controlling_owner = false then 'U.S. controlling owner' end)
        when i.us_organized and i.us_physical_presence
          and i.us_assets_sufficient and i.us_controlling_owner then 'all four U.S. tests passed'
        else
            'not stated: ' || concat_ws(', ',
                case when i.us_organized is null then 'U.S.-organized' end,
                case when i.us_physical_presence is null then 'U.S. physical presence' end,
                case when i.us_assets_sufficient is null then 'U.S. assets' end,
                case when i.us_controlling_owner is null then 'U.S. controlling owner' end)
    end as status_reason,
    i.ctpat_tier,
    i.ctpat_validated_on,
    i.continuous_bond_permitted,
    i.good_standing,
    n.entries,
    n.formal_entries,
    n.informal_entries,
    coalesce(m.entered_value, 0) as entered_value,
    m.duty,
    coalesce(m.duty_missing, 0) as duty_missing,
    coalesce(m.lines, 0) as lines,
    coalesce(s.entries_at_stake, 0) as entries_at_stake,
    coalesce(s.value_at_stake, 0) as value_at_stake,
    s.duty_at_stake,
    coalesce(s.duty_missing_at_stake, 0) as duty_missing_at_stake,
    coalesce(s.lines_at_stake, 0) as lines_at_stake
from entries_per_importer as n
left join importers as i on i.importer_number = n.importer_number
left join money_per_importer as m on m.importer_number = n.importer_number
left join at_stake_per_importer as s on s.importer_number = n.importer_number
order by n.importer_number
