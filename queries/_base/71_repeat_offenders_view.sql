-- The repeat offenders among them (the figure of repeat_offender_importers).
create or replace temp view repeat_offenders as
select *
from repeat_offender_status
where is_repeat_offender
