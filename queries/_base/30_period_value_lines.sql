-- L': the lines of L without Chapter 99 ordinals; entered value is summed over these only,
-- so a commodity line spread over several ordinals is not double counted. A view: the filter is
-- cheaper than a second copy of the lines.
create or replace temp view period_value_lines as
select *
from period_lines
where not is_chapter_99
