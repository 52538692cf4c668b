-- The sidebar's filter options in one read. Grain: one row per (kind, value); kind
-- 'district', 'hall' (name, district), 'wave' (n = communities), 'service_type'.
-- Source: agg_filter_options (rollups/49_options.sql).
select kind, value, name, district, n
from agg_filter_options
order by kind, ord
