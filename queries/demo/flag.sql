-- The demo-data flag: one row when the warehouse holds rows `servicecircle demo` wrote
-- (meta key 'demo', cleared by rollup 90_demo_rows_left when none is left), none otherwise.
-- grain: at most one row. Columns: info (JSON: scale, seed, built_at), n_demo_rows.
with flag as (
    select value as info from meta where key = 'demo'
),
left_rows as (
    select coalesce(sum(n_rows), 0) as n_demo_rows from demo_rows_left
)
select flag.info, left_rows.n_demo_rows
from flag cross join left_rows
