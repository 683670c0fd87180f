-- D: detention, seizure, general-order and abandonment cases opened in the period.
create or replace temp table period_disposals as
select *
from disposals
where opened_on >= $period_start
  and opened_on < $period_end
