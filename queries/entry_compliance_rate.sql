-- id = "entry_compliance_rate"
-- title = "Entry accuracy indicator"
-- unit = "rate"
-- section = "disclosure"
-- definition = """
-- Entries in E with no post-summary correction, no penalty case naming the entry other than \
-- a cancelled one (any date), and no disposal case naming the entry other than a released \
-- one, divided by the entries in E. This tool's own indicator from recorded events; it is \
-- not CBP's trade compliance rate, which CBP estimates from a statistical sample of lines it \
-- reviews."""
-- basis = "CBP Trade Compliance Measurement program; EO 14411 enforcement reporting."
-- authority = "indicator"
-- requires = ["entries.psc_filed"]
-- status = { better = "higher", green = "thresholds.entry_compliance_rate.green", amber = "thresholds.entry_compliance_rate.amber" }

-- a case names the entry unless it was cancelled (penalties) or the goods were released
-- (disposals); cases of any date count
with entries_with_cases as (
    select
        e.entry_number,
        coalesce(e.psc_filed, false) as has_psc,
        exists (select 1 from penalties as p
                where p.entry_number = e.entry_number and p.status <> 'cancelled') as has_penalty_case,
        exists (select 1 from disposals as d
                where d.entry_number = e.entry_number
                  and coalesce(d.disposition, '') <> 'released') as has_disposal_case
    from period_entries as e
)

select
    count(*) filter (where not has_psc and not has_penalty_case and not has_disposal_case) as numerator,
    count(*) as denominator
from entries_with_cases

-- exceptions
-- the entries that hold the rate down, with what made each one count against it
with penalty_cases_by_entry as (
    select entry_number, string_agg(case_number, ' ' order by case_number) as penalty_cases
    from penalties
    where entry_number is not null
      and status <> 'cancelled'
    group by entry_number
),

disposal_cases_by_entry as (
    select entry_number, string_agg(case_id, ' ' order by case_id) as disposal_cases
    from disposals
    where entry_number is not null
      and coalesce(disposition, '') <> 'released'
    group by entry_number
)

select
    e.entry_number,
    e.entry_date,
    e.importer_number,
    e.psc_filed,
    p.penalty_cases,
    d.disposal_cases,
    e._file,
    e._row
from period_entries as e
left join penalty_cases_by_entry as p on p.entry_number = e.entry_number
left join disposal_cases_by_entry as d on d.entry_number = e.entry_number
where coalesce(e.psc_filed, false)
   or p.penalty_cases is not null
   or d.disposal_cases is not null
order by e.entry_number
