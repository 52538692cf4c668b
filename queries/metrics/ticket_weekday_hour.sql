-- Arrivals and mean wait by weekday (1 = Monday) and hour of issue: the heatmap.
-- Grain: one row per (weekday, hour_of_day). Months overlapping the date range; the wave
-- filter does not apply (a queue's pattern is a property of the hall).
-- Source: the smallest rollup that answers the view: agg_ticket_wdh_city (month, weekday,
-- hour) without a hall, district or service-type filter; agg_ticket_wdh_hall (by hall,
-- ~9x fewer rows than with the service type) with a hall or district filter only; else
-- agg_ticket_weekday_hour. The parameters are constants when DuckDB plans the query, so
-- only the branch whose condition holds is read (tests/test_macros.py checks the plans).
-- Params: $date_from, $date_to, $districts, $hall_ids, $service_types.
with

cells as (
    select t.month_on, t.weekday, t.hour_of_day, t.n_tickets, t.n_waited, t.sum_wait_s
    from agg_ticket_wdh_city as t
    where $districts is null and $hall_ids is null and $service_types is null
    union all
    select t.month_on, t.weekday, t.hour_of_day, t.n_tickets, t.n_waited, t.sum_wait_s
    from agg_ticket_wdh_hall as t
    left join agg_hall as h using (hall_id)
    where $service_types is null and ($districts is not null or $hall_ids is not null)
      and ($districts is null or h.district = any($districts))
      and ($hall_ids is null or t.hall_id = any($hall_ids))
    union all
    select t.month_on, t.weekday, t.hour_of_day, t.n_tickets, t.n_waited, t.sum_wait_s
    from agg_ticket_weekday_hour as t
    left join agg_hall as h using (hall_id)
    where $service_types is not null
      and ($districts is null or h.district = any($districts))
      and ($hall_ids is null or t.hall_id = any($hall_ids))
      and t.service_type = any($service_types)
),

final as (
    select
        weekday,
        hour_of_day,
        sum(n_tickets) as n_tickets,
        count(distinct month_on) as n_months,
        sum(n_waited) as n_waited,
        sum(sum_wait_s) as sum_wait_s
    from cells
    where month_overlaps(month_on, $date_from, $date_to)
    group by all
)

select * from final
order by weekday, hour_of_day
