-- 95598 orders and callbacks by category over the filters (exact days). Orders without a
-- community count when no district / wave filter is set.
-- Grain: one row per category. Whole calendar months inside the date range come from
-- agg_hotline_cell, the partial months at either end from agg_hotline_day (head and
-- tail read apart, so each touches only its own days), so the result is exact for any
-- range of days.
-- District and wave are those of the order's community (columns of both tables).
-- Params: $date_from, $date_to, $districts, $waves.
with

rows as (
    -- whole months
    select t.district, t.wave, t.category, t.n_orders, t.n_callback, t.n_satisfied, t.n_dissatisfied
    from agg_hotline_cell as t
    where month_in_range(t.month_on, $date_from, $date_to)
    union all
    -- the partial months at either end
    select t.district, t.wave, t.category, t.n_orders, t.n_callback, t.n_satisfied, t.n_dissatisfied
    from edge_days('agg_hotline_day', $date_from, $date_to) as t
),

final as (
    select
        category,
        sum(n_orders) as n_orders,
        sum(n_callback) as n_callback,
        sum(n_satisfied) as n_satisfied,
        sum(n_dissatisfied) as n_dissatisfied
    from rows as r
    where ($districts is null or list_contains($districts, r.district))
      and ($waves is null or list_contains($waves, r.wave))
    group by category
)

select * from final
order by category
