-- 95598 work orders per 1,000 households per month by category, served vs not-yet-served.
-- Grain: one row per (month_on, status, category) with the status' households that
-- month repeated on each row (do not sum households over categories).
-- status as in counter_per_1k_month.sql. Orders without a community, or of a community
-- without households, are left out (in_units). Months: every month with any order,
-- whole calendar months overlapping the date range.
-- Numerators from agg_hotline_cell (orders already summed by month, district, wave and
-- status), denominators from agg_hotline_units (households by month, district, wave and
-- status). Params: $date_from, $date_to, $districts, $waves.
with

denominators as (
    select t.month_on, t.status, sum(t.households) as households,
        sum(t.n_communities) as n_communities
    from agg_hotline_units as t
    where month_overlaps(t.month_on, $date_from, $date_to)
      and in_scope(t.district, t.wave, $districts, $waves)
    group by all
),

counts as (
    select t.month_on, t.status, t.category, sum(t.n_orders) as n_orders
    from agg_hotline_cell as t
    where t.in_units
      and month_overlaps(t.month_on, $date_from, $date_to)
      and in_scope(t.district, t.wave, $districts, $waves)
    group by all
),

categories as (
    select distinct category from agg_hotline_cell
),

final as (
    select
        d.month_on,
        d.status,
        g.category,
        d.n_communities,
        d.households,
        coalesce(k.n_orders, 0) as n_orders
    from denominators as d
    cross join categories as g
    left join counts as k using (month_on, status, category)
)

select * from final
order by month_on, status, category
