"""Audit readiness: a stratified random sample of the period's entry lines, tested the way
CBP's auditors test transactions (19 CFR 163.11(c), 162.74(j)), and projected to the year.

- ``universe``: the entry lines that carry their own entered value, stratified and drawn in
  DuckDB (``universe.sql``);
- ``draw``: strata, the size rule, the allocation and the seeded draw;
- ``worksheet``: the XLSX the tester fills in (Sample, Strata, Plan) and its checks;
- ``score``: Cochran's stratified projections of the compliance rate and loss of revenue;
- ``plan``: the sampling-plan PDF;
- ``section``: the report's "Audit readiness" section as plain data.

docs/audit.md explains the method.
"""
