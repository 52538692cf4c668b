-- Rejected rows per table and reason (for the filters and the summary).
-- grain: one row per (table_name, reason). No parameters.
with by_reason as (
    select table_name, reason, count(*) as n_rows
    from rejects
    group by table_name, reason
)
select * from by_reason
order by n_rows desc, table_name, reason
