-- Migration: the fact tables gain community_source ('export' | 'customer' | NULL).
-- Run once per warehouse (dashboard.warehouse.init_schema records it in meta). Rows
-- stored before carry their community from the export. Demo rows (demo_rows) are
-- re-hashed: a row's hash(t) changes with its columns (see dashboard.demo_flag).

create or replace temp table _mig_demo as
select 'counter_tickets' as table_name, t.ticket_id as k, hash(t) as old_hash
from counter_tickets t semi join demo_rows d on d.table_name = 'counter_tickets' and d.row_hash = hash(t)
union all
select 'hotline_orders', t.order_id, hash(t)
from hotline_orders t semi join demo_rows d on d.table_name = 'hotline_orders' and d.row_hash = hash(t)
union all
select 'room_visits', t.visit_id, hash(t)
from room_visits t semi join demo_rows d on d.table_name = 'room_visits' and d.row_hash = hash(t);

alter table counter_tickets add column if not exists community_source varchar;
alter table hotline_orders add column if not exists community_source varchar;
alter table room_visits add column if not exists community_source varchar;

update counter_tickets set community_source = 'export' where community_id is not null and community_source is null;
update hotline_orders set community_source = 'export' where community_id is not null and community_source is null;
update room_visits set community_source = 'export' where community_id is not null and community_source is null;

create or replace temp table _mig_new as
select m.table_name, m.old_hash, hash(t) as new_hash
from _mig_demo m join counter_tickets t on m.table_name = 'counter_tickets' and t.ticket_id = m.k
union all
select m.table_name, m.old_hash, hash(t)
from _mig_demo m join hotline_orders t on m.table_name = 'hotline_orders' and t.order_id = m.k
union all
select m.table_name, m.old_hash, hash(t)
from _mig_demo m join room_visits t on m.table_name = 'room_visits' and t.visit_id = m.k;

update demo_rows set row_hash = n.new_hash
from _mig_new n
where demo_rows.table_name = n.table_name and demo_rows.row_hash = n.old_hash;

drop table _mig_demo;
drop table _mig_new;
