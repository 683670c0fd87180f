-- Report aggregate (board pack, not a metric): every filer code of the period, none left
-- out: the filer code of each entry of the period (the first three characters of the entry
-- number when the entry names none, as the period working set reads it), and every broker
-- with a penalty case under 19 U.S.C. 1641 issued in the period. With its registry facts,
-- entries and money, and the corrections behind its post-summary correction rate (over all
-- its entries, as psc_rate; divided in Python, exact Decimal). Its certification and
-- disclosure rates come from broker_rates.sql (each from its control's effective date).
with entries_in_period as (
    select
        *,
        coalesce(filer_code, left(entry_number, 3)) as effective_filer_code,
        coalesce(list_contains($informal_types, entry_type), false) as is_informal
    from entries
    where entry_date >= $period_start
      and entry_date < $period_end
),

broker_cases as (
    select
        filer_code,
        count(*) as broker_cases,
        count(*) filter (where status in ('open', 'petitioned')) as broker_cases_pending,
        sum(assessed_amount) as broker_cases_assessed
    from penalties
    where coalesce(statute, '') = '19USC1641'
      and filer_code is not null
      and issued_on >= $period_start
      and issued_on < $period_end
    group by filer_code
),

entries_per_filer as (
    select
        effective_filer_code as filer_code,
        count(*) as entries,
        count(*) filter (where not is_informal) as formal_entries,
        count(*) filter (where is_informal) as informal_entries,
        count(distinct importer_number) as importers,
        count(*) filter (where psc_filed) as psc_filed
    from entries_in_period
    group by effective_filer_code
),

money_per_filer as (
    -- the lines' money per importer and filer code (money_by_importer_filer.sql), summed
    select
        filer_code,
        sum(entered_value) as entered_value,
        sum(duty) as duty,
        sum(duty_missing) as duty_missing,
        sum(lines) as lines
    from board_money_by_importer_filer
    group by filer_code
),

filer_codes as (
    select filer_code from entries_per_filer
    union
    select filer_code from broker_cases
)

select
    f.filer_code,
    b.filer_code is not null as in_registry,
    b.broker_name,
    b.license_number,
    b.license_status,
    coalesce(b.license_number is not null and b.license_status = 'active', false) as licensed,
    b.ctpat_validated,
    b.ctpat_validated_on,
    coalesce(n.entries, 0) as entries,
    coalesce(n.formal_entries, 0) as formal_entries,
    coalesce(n.informal_entries, 0) as informal_entries,
    coalesce(n.importers, 0) as importers,
    coalesce(n.psc_filed, 0) as psc_filed,
    coalesce(m.entered_value, 0) as entered_value,
    m.duty,
    coalesce(m.duty_missing, 0) as duty_missing,
    coalesce(m.lines, 0) as lines,
    coalesce(c.broker_cases, 0) as broker_cases,
    coalesce(c.broker_cases_pending, 0) as broker_cases_pending,
    c.broker_cases_assessed
from filer_codes as f
left join brokers as b on b.filer_code = f.filer_code
left join entries_per_filer as n on n.filer_code = f.filer_code
left join money_per_filer as m on m.filer_code = f.filer_code
left join broker_cases as c on c.filer_code = f.filer_code
order by f.filer_code
