-- The Parquet parts of the fact tables (dashboard.parts): one row per file. The file is
-- a path below the warehouse's parts folder (<warehouse file>.parts/); the fact table
-- itself is a view over its schema table _parts_<table> and the files listed here.
-- Written only inside a write transaction, so the list a reader sees and the files it
-- names are always those of one published write.
create table if not exists parts_files (
    table_name     varchar not null,     -- counter_tickets, hotline_orders or room_visits
    month          date,                 -- first day of the month of the table's date column (NULL: no date)
    file           varchar not null,     -- e.g. counter_tickets/month=2024-03-01/<write id>-1.parquet
    n_rows         bigint not null
);
