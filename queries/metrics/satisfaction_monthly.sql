-- Callback satisfaction per month: callbacks made and satisfied (满意 + 基本满意), and
-- complaints. Grain: one row per month_on; whole calendar months overlapping the range.
-- Orders without a community count when no district / wave filter is set.
-- Source: agg_hotline_cell. Params: $date_from, $date_to, $districts, $waves.
select
    t.month_on,
    sum(t.n_orders) as n_orders,
    sum(t.n_callback) as n_callback,
    sum(t.n_satisfied) as n_satisfied,
    sum(t.n_orders) filter (where t.category = 'complaint') as n_complaints
from agg_hotline_cell as t
where month_overlaps(t.month_on, $date_from, $date_to)
  and in_scope(t.district, t.wave, $districts, $waves)
group by all
order by month_on
