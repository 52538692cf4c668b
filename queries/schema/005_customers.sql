-- The customer list (营销系统客户档案): the crosswalk from customer number to community.
-- Queue-system and 95598 exports usually carry 户号 but no community; the importer
-- attributes their rows through this table (dashboard.ingest.attribution). 户号 is
-- stored only as the keyed hash (dashboard.privacy), the same hash the fact tables'
-- customer_hash holds, so the two join. Names, phones and addresses are never stored.

-- one row per customer; key customer_hash (NOT NULL, kept unique by the importer: no
-- index, as for the fact tables — a city has millions of customers)
create table if not exists customers (
    customer_hash    varchar not null,
    community_id     varchar not null,
    transformer_area varchar,         -- 台区 / 台区编号
    customer_class   varchar check (customer_class in ('residential', 'non_residential')),
    urban_rural      varchar check (urban_rural in ('urban', 'rural', 'remote'))
);
