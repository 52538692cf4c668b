-- 95598 orders and callbacks by category over the filters (exact days). Orders without a
-- community count when no district / wave filter is set.
-- Grain: one row per category. Whole calendar months inside the date range come from
-- agg_hotline_cell, the partial months at either end from agg_hotline_day (head and
-- tail read apart, so each touches only its own days), so the result is exact for any
-- range of days.
-- Params: $date_from, $date_to, $districts, $waves.
with

full_months as (
    select t.category, t.n_orders, t.n_callback, t.n_satisfied, t.n_dissatisfied
    from agg_hotline_cell as t
    where ($date_from is null or t.month_on >= cast($date_from as date))
      and ($date_to is null or last_day(t.month_on) <= cast($date_to as date))
      and ($districts is null or t.district = any($districts))
      and ($waves is null or t.wave = any($waves))
),

-- the partial month the range starts in ...
head_days as (
    select t.category, t.n_orders, t.n_callback, t.n_satisfied, t.n_dissatisfied
    from agg_hotline_day as t
    left join agg_community as c using (community_id)
    where coalesce(cast($date_from as date) > date_trunc('month', cast($date_from as date)), false)
      and t.day_on >= cast($date_from as date)
      and t.day_on <= least(last_day(cast($date_from as date)),
                            coalesce(cast($date_to as date), last_day(cast($date_from as date))))
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
),

-- ... and the one it ends in (unless head_days has it)
tail_days as (
    select t.category, t.n_orders, t.n_callback, t.n_satisfied, t.n_dissatisfied
    from agg_hotline_day as t
    left join agg_community as c using (community_id)
    where coalesce(cast($date_to as date) < last_day(cast($date_to as date)), false)
      and t.day_on >= greatest(date_trunc('month', cast($date_to as date)),
                               coalesce(cast($date_from as date), date '0001-01-01'))
      and t.day_on <= cast($date_to as date)
      and not coalesce(cast($date_from as date) > date_trunc('month', cast($date_from as date))
          and date_trunc('month', cast($date_from as date))
              = date_trunc('month', cast($date_to as date)), false)
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
),

final as (
    select
        category,
        sum(n_orders) as n_orders,
        sum(n_callback) as n_callback,
        sum(n_satisfied) as n_satisfied,
        sum(n_dissatisfied) as n_dissatisfied
    from (
        select * from full_months
        union all select * from head_days
        union all select * from tail_days
    )
    group by category
)

select * from final
order by category
