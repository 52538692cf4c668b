-- Filter options: service types seen at counters or rooms. Grain: one row per type.
select distinct service_type from agg_ticket_day
union
select distinct service_type from agg_visit_day
order by service_type
