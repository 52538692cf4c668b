-- Arrivals and mean wait by weekday (1 = Monday) and hour of issue: the heatmap.
-- Grain: one row per (weekday, hour_of_day). Source: agg_ticket_weekday_hour (month
-- grain: months overlapping the date range; the wave filter does not apply, a queue's
-- pattern is a property of the hall). Sorted by service type; the metric functions read
-- ticket_weekday_hour_slim.sql when no service-type filter is set.
-- Params: $date_from, $date_to, $districts, $hall_ids, $service_types.
with

filtered as (
    select t.*
    from agg_ticket_weekday_hour as t
    left join agg_hall as h using (hall_id)
    where ($date_from is null or t.month_on >= date_trunc('month', cast($date_from as date)))
      and ($date_to is null or t.month_on <= cast($date_to as date))
      and ($districts is null or h.district = any($districts))
      and ($hall_ids is null or t.hall_id = any($hall_ids))
      and ($service_types is null or t.service_type = any($service_types))
),

final as (
    select
        weekday,
        hour_of_day,
        sum(n_tickets) as n_tickets,
        count(distinct month_on) as n_months,
        sum(n_waited) as n_waited,
        sum(sum_wait_s) as sum_wait_s
    from filtered
    group by all
)

select * from final
order by weekday, hour_of_day
