-- 95598 orders and callbacks by category over the filters (exact days). Orders without a
-- community count when no district / wave filter is set.
-- Grain: one row per category. Source: agg_hotline_day, agg_community.
-- Params: $date_from, $date_to, $districts, $waves.
select
    t.category,
    sum(t.n_orders) as n_orders,
    sum(t.n_callback) as n_callback,
    sum(t.n_satisfied) as n_satisfied,
    sum(t.n_dissatisfied) as n_dissatisfied
from agg_hotline_day as t
left join agg_community as c using (community_id)
where ($date_from is null or t.day_on >= cast($date_from as date))
      and ($date_to is null or t.day_on <= cast($date_to as date))
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
group by t.category
order by t.category
