-- 95598 work orders per 1,000 households per month by category, served vs not-yet-served.
-- Grain: one row per (month_on, status, category) with the status' households that
-- month repeated on each row (do not sum households over categories).
-- status as in counter_per_1k_month.sql. Orders without a community are left out.
-- Monthly metric: whole calendar months overlapping the date range.
-- Source: agg_hotline_month, agg_community.
-- Params: $date_from, $date_to, $districts, $waves.
with

months as (
    select distinct month_on
    from agg_hotline_month
),

months_in as (
    select month_on from months where ($date_from is null or month_on >= date_trunc('month', cast($date_from as date)))
      and ($date_to is null or month_on <= cast($date_to as date))
),

units as (
    select c.community_id, c.households, c.first_opened_on
    from agg_community as c
    where c.households > 0
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
),

unit_months as (
    select
        u.community_id,
        m.month_on,
        u.households,
        case when u.first_opened_on is not null
              and date_trunc('month', u.first_opened_on) <= m.month_on
            then 'served' else 'not_yet' end as status
    from units as u
    cross join months_in as m
),

denominators as (
    select month_on, status, sum(households) as households, count(*) as n_communities
    from unit_months
    group by all
),

counts as (
    select
        um.month_on,
        um.status,
        o.category,
        sum(o.n_orders) as n_orders
    from agg_hotline_month as o
    join unit_months as um
        on um.community_id = o.community_id
       and um.month_on = o.month_on
    group by all
),

categories as (
    select distinct category from agg_hotline_month
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
