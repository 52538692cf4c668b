-- 95598 orders by category and subcategory (业务子类 / 诉求内容).
--
-- Grain: one row per (category, subcategory); key both (NULL subcategory: not recorded).
-- Columns: category ('other' when none), subcategory, n_orders.
-- Source: hotline_orders (the subcategory is in no rollup), agg_community.
-- Params (NULL = all): $date_from, $date_to (days of received_at), $districts, $waves.
-- Orders without a community count only when no district or wave filter is set.
with

orders as (
    select
        coalesce(o.category, 'other') as category,
        o.subcategory,
        c.district,
        c.wave,
        cast(o.received_at as date) as day_on
    from hotline_orders as o
    left join agg_community as c using (community_id)
),

final as (
    select category, subcategory, count(*) as n_orders
    from orders
    where day_in_range(day_on, $date_from, $date_to)
      and ($districts is null or list_contains($districts, district))
      and ($waves is null or list_contains($waves, wave))
    group by all
)

select * from final
order by category, n_orders desc, subcategory
