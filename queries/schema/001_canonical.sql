-- Canonical tables (shared/spec/exports.md). Raw layer: one row per exported record,
-- after the importer's rename / cast / clean. Personal values are never stored in clear:
-- *_hash columns hold a keyed hash (dashboard.privacy), names/phones/addresses are dropped.

-- one row per urban community (社区) or village (村); key community_id
create table if not exists communities (
    community_id   varchar primary key,
    name           varchar,
    district       varchar,
    subdistrict    varchar,
    kind           varchar check (kind in ('urban', 'rural')),
    households     integer check (households >= 0),
    population     integer check (population >= 0),
    elderly        integer check (elderly >= 0),
    disabled       integer check (disabled >= 0),
    lon            double,          -- WGS-84 point or polygon centroid
    lat            double,
    geometry_wkb   blob             -- polygon (WKB, WGS-84) when the export has one
);

-- optional finer demand layer: residential buildings or compound gates (楼栋 / 小区出入口)
create table if not exists buildings (
    building_id    varchar primary key,
    community_id   varchar,
    kind           varchar,         -- 'building' or 'gate'
    households     integer check (households >= 0),
    population     integer check (population >= 0),
    elderly        integer check (elderly >= 0),
    lon            double,
    lat            double
);

-- one row per business hall (营业厅); key hall_id
create table if not exists business_halls (
    hall_id        varchar primary key,
    name           varchar,
    district       varchar,
    lon            double,
    lat            double,
    counters       integer check (counters >= 0)
);

-- one row per community power-supply service room (社区供电服务室); key room_id
create table if not exists service_rooms (
    room_id              varchar primary key,
    name                 varchar,
    community_id         varchar,
    served_community_ids varchar[],  -- always includes community_id
    lon                  double,
    lat                  double,
    opened_on            date,
    closed_on            date,
    open_days            varchar[],  -- subset of mon..sun
    open_hours           varchar,    -- 'HH:MM-HH:MM'
    managers             integer check (managers >= 0)
);

-- The three fact tables below (millions of rows) declare their key NOT NULL but carry no
-- PRIMARY KEY index: the importer keeps each key unique by construction (it classifies
-- every row against the stored keys and the rows before it, deletes a corrected key before
-- inserting it; tests/ingest check uniqueness after every kind of import). An ART index on
-- 20M text keys cost ~6 s per 5M rows inserted and ~1 GB of memory, and no query uses it
-- (joins and range reads do not).

-- one row per queue ticket at a business hall; key ticket_id (unique, see above)
create table if not exists counter_tickets (
    ticket_id      varchar not null,
    hall_id        varchar not null,
    ticket_no      varchar,
    service_type   varchar,
    issued_at      timestamp not null,
    called_at      timestamp,        -- last call
    started_at     timestamp,
    finished_at    timestamp,
    counter_no     varchar,
    outcome        varchar check (outcome in ('served', 'no_show', 'cancelled')),
    customer_hash  varchar,
    community_id   varchar,
    is_appointment boolean,
    community_source varchar        -- where community_id came from: 'export' (the file), 'customer' (the customer list), NULL (none)
);

-- one row per 95598 work order; key order_id (unique, see above)
create table if not exists hotline_orders (
    order_id       varchar not null,
    received_at    timestamp not null,
    category       varchar,
    subcategory    varchar,
    community_id   varchar,
    urban_rural    varchar check (urban_rural in ('urban', 'rural', 'remote')),
    dispatched_at  timestamp,
    arrived_at     timestamp,
    restored_at    timestamp,
    closed_at      timestamp,
    satisfaction   varchar check (satisfaction in ('satisfied', 'basically_satisfied', 'dissatisfied', 'no_callback')),
    customer_hash  varchar,
    community_source varchar        -- 'export' | 'customer' | NULL, as for counter_tickets
);

-- one row per service given at (or from) a service room; key visit_id (unique, see above)
create table if not exists room_visits (
    visit_id       varchar not null,
    room_id        varchar not null,
    visited_at     timestamp not null,
    service_type   varchar,
    customer_group varchar,
    mode           varchar,
    community_id   varchar,
    resolved       boolean,
    customer_hash  varchar,
    community_source varchar        -- 'export' | 'customer' | NULL, as for counter_tickets
);

-- one row per person and role period; key (staff_hash, assigned_on)
create table if not exists staff (
    staff_hash     varchar not null,
    former_role    varchar,          -- meter_reader, accountant, cashier, clerk, other
    current_role   varchar,          -- customer_manager, other
    room_id        varchar,
    assigned_on    date,
    primary key (staff_hash, assigned_on)
);
