-- Demo rows: the rows `servicecircle demo` stored (dashboard.demo_flag).
-- One row per row the demo stored in a canonical table: the table and DuckDB's hash of
-- the whole row, hash(t). No key (a row hash is unique only within a table).
-- A change to a canonical table's columns changes every row hash: such a migration must
-- re-hash these rows in the same write (see dashboard.demo_flag.mark).
create table if not exists demo_rows (
    table_name     varchar not null,
    row_hash       ubigint not null
);
