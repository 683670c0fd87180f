-- id = "foreign_ior_value_share"
-- title = "Share of entered value with a foreign importer of record"
-- unit = "rate"
-- section = "volume"
-- definition = """
-- Entered value (L') of entries with a foreign importer of record divided by \
-- entered_value_total; null when the total is 0."""
-- basis = "EO 14411 (foreign importers of record)."
-- authority = "indicator"
-- status = "informational"

-- L' summed by attribute (period_line_totals)
select
    coalesce(sum(entered_value) filter (where ior_status = 'foreign'), 0) as numerator,
    coalesce(sum(entered_value), 0) as denominator
from period_line_totals
where not is_chapter_99
