-- 95598 work orders per 1,000 households per month by category, served vs not-yet-served.
-- Grain: one row per (month_on, status, category) with the status' households that
-- month repeated on each row (do not sum households over categories).
-- status as in counter_per_1k_month.sql. Orders without a community, or of a community
-- without households, are left out (in_units). Months: every month with any order,
-- whole calendar months overlapping the date range.
-- Numerators from agg_hotline_cell (orders already summed by month, district, wave and
-- status); denominators = households of the communities in scope in each status that
-- month (agg_community x months).
-- Params: $date_from, $date_to, $districts, $waves.
with

months_in as (
    select distinct month_on
    from agg_hotline_cell
    where ($date_from is null or month_on >= date_trunc('month', cast($date_from as date)))
      and ($date_to is null or month_on <= cast($date_to as date))
),

units as (
    select c.community_id, c.households, c.first_opened_on
    from agg_community as c
    where c.households > 0
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
),

denominators as (
    select
        m.month_on,
        case when u.first_opened_on is not null
              and date_trunc('month', u.first_opened_on) <= m.month_on
            then 'served' else 'not_yet' end as status,
        sum(u.households) as households,
        count(*) as n_communities
    from units as u
    cross join months_in as m
    group by all
),

counts as (
    select t.month_on, t.status, t.category, sum(t.n_orders) as n_orders
    from agg_hotline_cell as t
    where t.in_units
      and ($date_from is null or t.month_on >= date_trunc('month', cast($date_from as date)))
      and ($date_to is null or t.month_on <= cast($date_to as date))
      and ($districts is null or t.district = any($districts))
      and ($waves is null or t.wave = any($waves))
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
