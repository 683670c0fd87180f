-- Repeat offenders (a reading reported by secondary sources: they lose mitigation): importers
-- with at least $repeat_min_cases DECIDED penalty cases (case_kind = penalty; status mitigated,
-- paid, referred or closed) of their own (not broker cases under 19 U.S.C. 1641) issued in the
-- window [$repeat_window_start, $period_end). Cancelled cases never count. Pending cases (open,
-- petitioned) are counted apart: an importer not yet a repeat offender whose pending cases
-- would make it one if decided against it is a would-be repeat offender.
create or replace temp table repeat_offender_status as
with importer_penalty_cases_in_window as (
    select importer_number, case_number, issued_on, status
    from penalties
    where case_kind = 'penalty'
      and importer_number is not null
      and coalesce(statute, '') <> '19USC1641'
      and issued_on >= $repeat_window_start
      and issued_on < $period_end
)

select
    importer_number,
    count(distinct case_number) filter (
        where status in ('mitigated', 'paid', 'referred', 'closed')) as decided_cases,
    count(distinct case_number) filter (where status in ('open', 'petitioned')) as pending_cases,
    string_agg(case_number, ' ' order by issued_on, case_number) filter (
        where status in ('mitigated', 'paid', 'referred', 'closed')) as decided_case_numbers,
    string_agg(case_number, ' ' order by issued_on, case_number) filter (
        where status in ('open', 'petitioned')) as pending_case_numbers,
    min(issued_on) as first_issued_on,
    max(issued_on) as last_issued_on,
    decided_cases >= $repeat_min_cases as is_repeat_offender,
    decided_cases < $repeat_min_cases
        and decided_cases + pending_cases >= $repeat_min_cases as would_be_repeat_offender
from importer_penalty_cases_in_window
group by importer_number
