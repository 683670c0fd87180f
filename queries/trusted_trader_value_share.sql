-- id = "trusted_trader_value_share"
-- title = "Share of entered value with CTPAT cover"
-- unit = "rate"
-- section = "volume"
-- definition = """
-- Entered value (L') of entries with CTPAT cover (validated importer tier, or a licensed \
-- active CTPAT-validated broker as filer) divided by entered_value_total; null when the \
-- total is 0. CBP reported 53.3% of import value from partnership participants in FY2018."""
-- basis = """
-- CTPAT: SAFE Port Act of 2006, title II subtitle B (6 U.S.C. 961 et seq.); EO 14411 \
-- trusted-trader condition."""
-- status = "informational"

select
    coalesce(sum(entered_value) filter (where ctpat_cover), 0) as numerator,
    coalesce(sum(entered_value), 0) as denominator
from period_value_lines
