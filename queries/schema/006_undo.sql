-- Undo of an import (dashboard.ingest.undo): what each import keeps so that it can be
-- undone, and the record of every undo. Written in the import's (or the undo's) own
-- write transaction. Personal fields stay as stored: keyed hashes, never clear values.
-- The ledger (imports) is never rewritten: an undone import keeps its row and gains one
-- in import_undos.

-- one row per import that kept undo data (imports made before undo existed have none);
-- key import_id. batch_no orders imports for the reverse-order rule of undo.
create table if not exists import_batches (
    import_id      varchar primary key,
    batch_no       bigint not null,
    table_name     varchar not null,
    imported_by    varchar,              -- signed-in user or operating-system user; NULL when not known
    n_written      bigint not null,      -- rows the import wrote (new keys + replaced keys)
    n_replaced     bigint not null       -- of them, keys whose earlier version is kept
);

-- one row per undone import; key import_id (an import is undone at most once)
create table if not exists import_undos (
    import_id      varchar primary key,
    undone_at      timestamp not null,
    undone_by      varchar,
    n_deleted      bigint not null,      -- rows of the import deleted
    n_restored     bigint not null,      -- earlier versions put back
    reattributed_json varchar            -- fact rows re-attributed per table ({table: n}); NULL when none ran
);

-- Per canonical table an import writes, two undo tables (created from the table itself, so
-- their columns follow it; a migration that adds a column to a canonical table adds it to
-- its undo_<table> too, tests/ingest/test_ingest_undo.py checks they match):
--   undo_keys_<table>: one row per row an import wrote; key (import_id, the table's key).
--                      Only the key: a new row costs no more.
--   undo_<table>:      one row per key an import replaced (counted updated); key
--                      (import_id, the table's key). The version it replaced, every column
--                      exactly as it was stored.
create table if not exists undo_keys_communities as select cast(NULL as varchar) as import_id, community_id from communities where false;
create table if not exists undo_keys_buildings as select cast(NULL as varchar) as import_id, building_id from buildings where false;
create table if not exists undo_keys_business_halls as select cast(NULL as varchar) as import_id, hall_id from business_halls where false;
create table if not exists undo_keys_service_rooms as select cast(NULL as varchar) as import_id, room_id from service_rooms where false;
create table if not exists undo_keys_counter_tickets as select cast(NULL as varchar) as import_id, ticket_id from counter_tickets where false;
create table if not exists undo_keys_hotline_orders as select cast(NULL as varchar) as import_id, order_id from hotline_orders where false;
create table if not exists undo_keys_room_visits as select cast(NULL as varchar) as import_id, visit_id from room_visits where false;
create table if not exists undo_keys_staff as select cast(NULL as varchar) as import_id, staff_hash, assigned_on from staff where false;
create table if not exists undo_keys_customers as select cast(NULL as varchar) as import_id, customer_hash from customers where false;
create table if not exists undo_communities as select cast(NULL as varchar) as import_id, * from communities where false;
create table if not exists undo_buildings as select cast(NULL as varchar) as import_id, * from buildings where false;
create table if not exists undo_business_halls as select cast(NULL as varchar) as import_id, * from business_halls where false;
create table if not exists undo_service_rooms as select cast(NULL as varchar) as import_id, * from service_rooms where false;
create table if not exists undo_counter_tickets as select cast(NULL as varchar) as import_id, * from counter_tickets where false;
create table if not exists undo_hotline_orders as select cast(NULL as varchar) as import_id, * from hotline_orders where false;
create table if not exists undo_room_visits as select cast(NULL as varchar) as import_id, * from room_visits where false;
create table if not exists undo_staff as select cast(NULL as varchar) as import_id, * from staff where false;
create table if not exists undo_customers as select cast(NULL as varchar) as import_id, * from customers where false;
