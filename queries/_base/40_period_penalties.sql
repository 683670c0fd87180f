-- Pp: penalty and liquidated-damages cases issued in the period.
create or replace temp table period_penalties as
select *
from penalties
where issued_on >= $period_start
  and issued_on < $period_end
