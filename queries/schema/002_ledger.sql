-- Bookkeeping: what was imported, what was rejected, which schema this file has.

-- one row per imported file; key import_id
create table if not exists imports (
    import_id      varchar primary key,
    table_name     varchar not null,
    file_name      varchar not null,
    content_hash   varchar not null,     -- sha256 of the file bytes
    n_read         bigint not null,
    n_stored       bigint not null,
    n_updated      bigint not null,
    n_duplicates   bigint not null,
    n_rejected     bigint not null,
    reasons_json   varchar,              -- {reason: n}
    started_at     timestamp not null,
    finished_at    timestamp not null
);

-- one row per rejected input row; personal fields removed from values_json
create table if not exists rejects (
    import_id      varchar not null,
    table_name     varchar not null,
    file_name      varchar not null,
    row_number     bigint not null,      -- the row's line in the file as a spreadsheet shows it (header line 1 -> first data row 2)
    field          varchar,
    reason         varchar not null,
    detail         varchar,
    values_json    varchar
);

-- key/value facts about this warehouse (schema_version, data_version, ...)
create table if not exists meta (
    key            varchar primary key,
    value          varchar
);
