-- id = "readiness_score"
-- title = "Readiness score"
-- unit = "score"
-- section = "data_quality"
-- definition = """
-- 100 x sum(weight x points) / sum(weights) over control metrics whose status is not n/a, \
-- with green = 1, amber = 0.5, red = 0 and weights from the policy (default 1), rounded to \
-- one decimal; null if no control metric applies. Computed from the statuses, not from SQL."""
-- basis = "Self-assessment summary of this tool against EO 14411."
-- authority = "indicator"
-- status = "informational"

-- computed in Python (metrics.readiness_score) from the statuses of the control metrics;
-- this query only declares the value's type and is not executed
select cast(null as decimal(4, 1)) as value
