-- Service-room visits per month by service type, customer group and mode.
-- Grain: one row per (month_on, service_type, customer_group, mode).
-- Source: agg_visit_day, agg_community (the visit's community).
-- Params: $date_from, $date_to (exact days), $districts, $waves, $service_types.
-- (the hall filter does not apply: rooms do not belong to a hall.)
select
    cast(date_trunc('month', t.day_on) as date) as month_on,
    t.service_type,
    t.customer_group,
    t.mode,
    sum(t.n_visits) as n_visits,
    sum(t.n_resolved) as n_resolved
from agg_visit_day as t
left join agg_community as c using (community_id)
where ($date_from is null or t.day_on >= cast($date_from as date))
      and ($date_to is null or t.day_on <= cast($date_to as date))
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
      and ($service_types is null or t.service_type = any($service_types))
group by all
order by month_on, service_type, customer_group, mode
