-- Report aggregate (board pack, not a metric): the open floor cases on the records of each
-- finding, for its penalty range under the reported floor scenario. Reads
-- `board_floor_cases` (the exception list of eo_minimum_payable_open: floor cases open at
-- the end of the period, with the assessed amount and the minimum payable the metric
-- engine computed) and `board_finding_keys`. A case concerns an entry-level finding when it
-- names one of its entries, an importer-level finding when it is that importer's case; each
-- case counts once per finding and importer.
with floor_cases as (
    select f.case_number, f.importer_number, p.entry_number, f.assessed_amount,
           f.minimum_payable
    from board_floor_cases as f
    left join penalties as p on p.case_number = f.case_number
),

by_entry as (
    select k.metric_id, e.importer_number, c.case_number, c.assessed_amount, c.minimum_payable
    from board_finding_keys as k
    join floor_cases as c on c.entry_number = k.entry_number
    join entries as e on e.entry_number = k.entry_number
    where k.entry_number is not null
),

by_importer as (
    select k.metric_id, k.importer_number, c.case_number, c.assessed_amount, c.minimum_payable
    from board_finding_keys as k
    join floor_cases as c on c.importer_number = k.importer_number
    where k.entry_number is null
),

matched as (
    select distinct metric_id, importer_number, case_number, assessed_amount, minimum_payable
    from (select * from by_entry union all select * from by_importer)
)

select
    metric_id,
    importer_number,
    count(*) as cases,
    sum(assessed_amount) as assessed,
    sum(minimum_payable) as minimum_payable
from matched
group by metric_id, importer_number
order by metric_id, importer_number
