-- Cases of any kind open at the end of the period d = $period_end: issued before d, and
-- either closed on or after d (closed_on: what happened after the period's end leaves the
-- case open at it), or without closed_on and still open, petitioned, mitigated or referred
-- (the status as exported is the best knowledge of the case). Reads the whole penalties
-- table, not Pp: a case issued years ago can still be open.
create or replace temp table open_cases_at_end as
select
    *,
    coalesce(statute, '') = '19USC1641' as is_broker_case
from penalties
where issued_on < $period_end
  and (
      closed_on >= $period_end
      or (closed_on is null and status in ('open', 'petitioned', 'mitigated', 'referred'))
  )
