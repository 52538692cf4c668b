-- Per community: 95598 orders per 1,000 households per month before and after its first
-- room opening (whole months in the date range), for the hotline page's map.
-- Grain: one row per community with households > 0 in scope; key community_id.
-- change = rate_after - rate_before (NULL when either side has no month or the community
-- is not served yet). Source: agg_hotline_comm_month, agg_hotline_cell (the months with
-- any order), agg_community.
-- Params: $date_from, $date_to, $districts, $waves.
with

months as (
    select distinct month_on
    from agg_hotline_cell
),

months_in as (
    select month_on from months where month_overlaps(month_on, $date_from, $date_to)
),

units as (
    select c.*
    from agg_community as c
    where c.households > 0
      and in_scope(c.district, c.wave, $districts, $waves)
),

unit_months as (
    select
        u.community_id,
        m.month_on,
        u.first_opened_on is not null
            and date_trunc('month', u.first_opened_on) <= m.month_on as is_after
    from units as u
    cross join months_in as m
),

orders as (
    select community_id, month_on, n_orders
    from agg_hotline_comm_month
),

per_side as (
    select
        um.community_id,
        count(*) filter (where not um.is_after) as n_months_before,
        count(*) filter (where um.is_after) as n_months_after,
        coalesce(sum(o.n_orders) filter (where not um.is_after), 0) as n_orders_before,
        coalesce(sum(o.n_orders) filter (where um.is_after), 0) as n_orders_after
    from unit_months as um
    left join orders as o using (community_id, month_on)
    group by um.community_id
),

final as (
    select
        u.community_id,
        u.name,
        u.district,
        u.kind,
        u.wave,
        u.households,
        u.lon,
        u.lat,
        p.n_months_before,
        p.n_months_after,
        p.n_orders_before,
        p.n_orders_after,
        case when p.n_months_before > 0
            then p.n_orders_before * 1000.0 / u.households / p.n_months_before end as rate_before,
        case when p.n_months_after > 0
            then p.n_orders_after * 1000.0 / u.households / p.n_months_after end as rate_after
    from units as u
    left join per_side as p using (community_id)
)

select *, rate_after - rate_before as change
from final
order by community_id
