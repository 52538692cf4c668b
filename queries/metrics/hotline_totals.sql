-- 95598 orders and callbacks by category over the filters (exact days). Orders without a
-- community count when no district / wave filter is set.
-- Grain: one row per category. Whole calendar months inside the range come from
-- agg_hotline_month, the partial months at either end from agg_hotline_day.
-- Params: $date_from, $date_to, $districts, $waves.
with

full_months as (
    select t.category, t.n_orders, t.n_callback, t.n_satisfied, t.n_dissatisfied
    from agg_hotline_month as t
    left join agg_community as c using (community_id)
    where ($date_from is null or t.month_on >= cast($date_from as date))
      and ($date_to is null or last_day(t.month_on) <= cast($date_to as date))
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
),

edge_days as (
    select t.category, t.n_orders, t.n_callback, t.n_satisfied, t.n_dissatisfied
    from agg_hotline_day as t
    left join agg_community as c using (community_id)
    where ($date_from is null or t.day_on >= cast($date_from as date))
      and ($date_to is null or t.day_on <= cast($date_to as date))
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
      and (
        ($date_from is not null
            and cast($date_from as date) > date_trunc('month', cast($date_from as date))
            and t.day_on < date_trunc('month', cast($date_from as date)) + interval 1 month)
        or ($date_to is not null
            and cast($date_to as date) < last_day(cast($date_to as date))
            and t.day_on >= date_trunc('month', cast($date_to as date)))
      )
),

final as (
    select
        category,
        sum(n_orders) as n_orders,
        sum(n_callback) as n_callback,
        sum(n_satisfied) as n_satisfied,
        sum(n_dissatisfied) as n_dissatisfied
    from (select * from full_months union all select * from edge_days)
    group by category
)

select * from final
order by category
