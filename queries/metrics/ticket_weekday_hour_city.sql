-- Arrivals and mean wait by weekday (1 = Monday) and hour of issue: the heatmap, for views
-- without a hall, district or service-type filter (the metric functions pick this path;
-- same output as ticket_weekday_hour.sql). Grain: one row per (weekday, hour_of_day).
-- Source: agg_ticket_wdh_city (grain month, weekday, hour); months overlapping the date
-- range; the wave filter does not apply.
-- Params: $date_from, $date_to.
with

filtered as (
    select t.*
    from agg_ticket_wdh_city as t
    where ($date_from is null or t.month_on >= date_trunc('month', cast($date_from as date)))
      and ($date_to is null or t.month_on <= cast($date_to as date))
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
