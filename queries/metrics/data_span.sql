-- First and last day with counter tickets, 95598 orders or room visits (date pickers'
-- bounds). Grain: one row. Source: agg_data_span (rollups/49_options.sql).
select first_on, last_on from agg_data_span
