-- Counter tickets per business hall over the filters (the waiting page's per-hall table).
-- Grain: one row per hall; key hall_id. Source: agg_ticket_day, agg_hall.
-- Params: as ticket_totals.sql.
with

filtered as (
    select t.*, h.name as hall_name, h.district
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
        hall_id,
        any_value(hall_name) as hall_name,
        any_value(district) as district,
        sum(n_tickets) as n_tickets,
        sum(n_served) as n_served,
        sum(n_no_show) as n_no_show,
        sum(n_cancelled) as n_cancelled,
        sum(n_waited) as n_waited,
        sum(sum_wait_s) as sum_wait_s,
        max(max_wait_s) as max_wait_s
    from filtered
    group by hall_id
)

select * from final
order by hall_id
