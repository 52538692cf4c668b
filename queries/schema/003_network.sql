-- Street network for walking distances (dashboard.coverage.network).
-- Written only by `servicecircle import network` (import_network), which replaces all
-- three tables in one transaction; only the largest connected component is stored.

-- one row per network node (street intersection, dead end or way end); key node_id
create table if not exists network_nodes (
    node_id        integer primary key,  -- 0..n-1, dense
    lon            double not null,      -- WGS-84
    lat            double not null,
    x              double not null,      -- metres in the local projection (network_meta.proj)
    y              double not null
);

-- one row per street piece between two nodes (ways split at intersections); key edge_id
create table if not exists network_edges (
    edge_id        integer primary key,  -- 0..m-1, dense
    u              integer not null,     -- network_nodes.node_id at the start of the line
    v              integer not null,     -- network_nodes.node_id at the end of the line
    length_m       double not null,      -- along the line, in the local projection
    highway        varchar,              -- OSM highway value ('unknown' for plain lines)
    geometry_wkb   blob not null         -- LineString, WGS-84 lon/lat
);

-- key/value facts about the stored network: proj, source files, counts, islands
create table if not exists network_meta (
    key            varchar primary key,
    value          varchar
);
