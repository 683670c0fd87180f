-- The audit universe: every entry line (line and tariff ordinal) of the entries dated in the
-- period [$period_start, $period_end) that carries its own entered value. Chapter 99 ordinals
-- (HTS starting '99') are left out: they repeat the value of the line they belong to, as in
-- queries/_base/30_period_value_lines.sql, so a line is never in the universe twice.
select
    l.entry_number,
    l.line_number,
    l.tariff_ordinal,
    l.hts_number,
    l.country_of_origin,
    l.manufacturer_id,
    l.entered_value,
    l.duty_amount
from entry_lines as l
join entries as e on e.entry_number = l.entry_number
where e.entry_date >= $period_start
  and e.entry_date < $period_end
  and not starts_with(l.hts_number, '99')
