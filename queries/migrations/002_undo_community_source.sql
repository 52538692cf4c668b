-- Migration: the undo tables of the fact tables (queries/schema/006_undo.sql) gain
-- community_source. A warehouse made before migration 001 got them from fact tables that
-- did not have it yet (the schema files run before the migrations); in any other
-- warehouse the column is already there and nothing changes.
alter table undo_counter_tickets add column if not exists community_source varchar;
alter table undo_hotline_orders add column if not exists community_source varchar;
alter table undo_room_visits add column if not exists community_source varchar;
