-- Demo rows still stored in the fact tables, by month of the table's date column: one
-- table per fact table; key month_on. A row the demo stored (demo_rows) counts while a
-- row with exactly its values is stored (see 90_demo_rows_left.sql). Month by month, so a
-- daily import checks only the months it touched (dashboard/rollup_months.py).

-- incremental: month_on
create or replace table demo_left_counter_tickets as
select cast(date_trunc('month', issued_at) as date) as month_on, count(*) as n_rows
from counter_tickets t semi join demo_rows d on d.table_name = 'counter_tickets' and d.row_hash = hash(t)
group by all;

-- incremental: month_on
create or replace table demo_left_hotline_orders as
select cast(date_trunc('month', received_at) as date) as month_on, count(*) as n_rows
from hotline_orders t semi join demo_rows d on d.table_name = 'hotline_orders' and d.row_hash = hash(t)
group by all;

-- incremental: month_on
create or replace table demo_left_room_visits as
select cast(date_trunc('month', visited_at) as date) as month_on, count(*) as n_rows
from room_visits t semi join demo_rows d on d.table_name = 'room_visits' and d.row_hash = hash(t)
group by all;
