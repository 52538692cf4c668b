-- 95598 work orders per ISO week (Monday first), for the load forecast.
-- Grain: one row per week_on (the week's Monday), with the span of the data (first_day_on,
-- last_day_on) so partial weeks at the ends can be dropped; weeks with no order in the span are
-- filled with 0 by the forecasting code. Source: agg_hotline_day (orders without a
-- community included).
-- Params: $categories (hotline_orders.category codes; NULL = every category).
with

days as (
    select day_on, n_orders
    from agg_hotline_day
    where $categories is null or list_contains($categories, category)
),

final as (
    select
        cast(date_trunc('week', day_on) as date) as week_on,
        sum(n_orders) as n,
        -- the data's span (whatever the filter): weeks cut by it are partial
        (select min(day_on) from agg_hotline_day) as first_day_on,
        (select max(day_on) from agg_hotline_day) as last_day_on
    from days
    group by all
)

select * from final
order by week_on
