-- Counter tickets per month, hall and service type over the filters.
-- Grain: one row per (month_on, hall_id, service_type). Source: agg_ticket_day, agg_hall.
-- Params: as ticket_totals.sql (days at the range ends are cut exactly, so an edge
-- month may be partial).
with

filtered as (
    select t.*
    from agg_ticket_day as t
    left join agg_hall as h using (hall_id)
    where ($date_from is null or t.day_on >= cast($date_from as date))
  and ($date_to is null or t.day_on <= cast($date_to as date))
  and ($districts is null or h.district = any($districts))
  and ($hall_ids is null or t.hall_id = any($hall_ids))
  and ($waves is null or t.wave = any($waves))
  and ($service_types is null or t.service_type = any($service_types))
),

final as (
    select
        cast(date_trunc('month', day_on) as date) as month_on,
        hall_id,
        service_type,
        sum(n_tickets) as n_tickets,
        sum(n_served) as n_served,
        sum(n_waited) as n_waited,
        sum(sum_wait_s) as sum_wait_s
    from filtered
    group by all
)

select * from final
order by month_on, hall_id, service_type
