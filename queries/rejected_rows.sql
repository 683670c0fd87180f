-- id = "rejected_rows"
-- title = "Rejected rows"
-- unit = "count"
-- section = "data_quality"
-- definition = """
-- Rows the loader rejected (bad value, duplicate key, line without its entry, ...) for the \
-- data in the database, all periods and loads together."""
-- basis = "Data contract of this tool (row errors are kept and reported, never silently dropped)."
-- authority = "indicator"
-- status = "informational"

select count(*) as value
from rejected_rows
