-- Importers with at least $repeat_min_cases penalty cases (case_kind = penalty) issued in the
-- window [$repeat_window_start, $period_end): repeat offenders, who lose mitigation under the order.
create or replace temp table repeat_offenders as
with penalty_cases_in_window as (
    select importer_number, case_number, issued_on
    from penalties
    where case_kind = 'penalty'
      and importer_number is not null
      and issued_on >= $repeat_window_start
      and issued_on < $period_end
)

select
    importer_number,
    count(distinct case_number) as penalty_cases_in_window,
    string_agg(case_number, ' ' order by issued_on, case_number) as case_numbers,
    min(issued_on) as first_issued_on,
    max(issued_on) as last_issued_on
from penalty_cases_in_window
group by importer_number
having count(distinct case_number) >= $repeat_min_cases
