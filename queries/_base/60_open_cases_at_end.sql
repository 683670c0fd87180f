-- Cases of any kind open at the end of the period: issued before the (exclusive) period end
-- and still open, petitioned, mitigated or referred. Reads the whole penalties table, not Pp:
-- a case issued years ago can still be open.
create or replace temp table open_cases_at_end as
select *
from penalties
where issued_on < $period_end
  and status in ('open', 'petitioned', 'mitigated', 'referred')
