-- id = "trusted_trader_value_share"
-- title = "Share of entered value with CTPAT cover"
-- unit = "rate"
-- section = "volume"
-- definition = """
-- Entered value (L', Chapter 99 ordinals left out) of entries whose importer is a validated \
-- CTPAT partner on the entry (tier 2 or 3, validated on or before the entry date) divided by \
-- the entered value of L'. The broker route does not count: CBP's published share (53.3% of \
-- import value in FY2018) is of partnership importers."""
-- basis = """
-- CTPAT: SAFE Port Act of 2006, title II subtitle B (6 U.S.C. 961 et seq.); EO 14411 \
-- trusted-trader condition."""
-- authority = "indicator"
-- status = "informational"

-- the importer's own CTPAT validation only (tier 2 or 3, validated on or before the entry),
-- as CBP's published share counts partnership importers; the broker route does not count
select
    coalesce(sum(entered_value) filter (where importer_ctpat_cover), 0) as numerator,
    coalesce(sum(entered_value), 0) as denominator
from period_line_totals  -- L' summed by attribute
where not is_chapter_99
