-- id = "origin_mid_completeness_rate"
-- title = "Origin and manufacturer ID completeness"
-- unit = "rate"
-- section = "disclosure"
-- definition = """
-- Rows of L' (lines without Chapter 99 ordinals) that carry both a country of origin and a \
-- manufacturer ID, divided by the rows of L'; null when L' is empty."""
-- basis = """
-- Country of origin marking and reporting: 19 U.S.C. 1304, 19 CFR part 134; manufacturer \
-- identification code: 19 CFR 142.3(a)(3); EO 14411 disclosure."""
-- authority = "statute"
-- requires = ["entry_lines.country_of_origin", "entry_lines.manufacturer_id"]
-- status = { better = "higher", green = "thresholds.origin_mid_completeness_rate.green", amber = "thresholds.origin_mid_completeness_rate.amber" }

select
    coalesce(sum(rows) filter (where has_origin_and_mid), 0) as numerator,
    coalesce(sum(rows), 0) as denominator
from period_line_totals  -- L' summed by attribute
where not is_chapter_99

-- exceptions
-- the lines that hold the rate down: origin or manufacturer ID missing
select
    entry_number,
    line_number,
    tariff_ordinal,
    hts_number,
    country_of_origin,
    manufacturer_id,
    _file,
    _row
from period_value_lines
where country_of_origin is null
   or manufacturer_id is null
order by entry_number, line_number, tariff_ordinal
