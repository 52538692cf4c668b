-- Every community's counts over a date range, for the community profile and its peers.
--
-- Grain: one row per community; key community_id.
-- Columns: community_id, name, kind, district, households, population, elderly, disabled
-- (from the communities table); n_orders (95598 orders), n_callback (orders with a
-- satisfaction callback), n_satisfied (满意 + 基本满意), n_visits (room visits; a visit's
-- community is its own community_id, else its room's) -- all on the days of the range.
-- Source: agg_community, agg_hotline_day, agg_visit_day.
-- Params: $date_from, $date_to (exact days; NULL = open end).
with

orders as (
    select
        community_id,
        sum(n_orders) as n_orders,
        sum(n_callback) as n_callback,
        sum(n_satisfied) as n_satisfied
    from agg_hotline_day
    where community_id is not null
      and day_in_range(day_on, $date_from, $date_to)
    group by all
),

visits as (
    select community_id, sum(n_visits) as n_visits
    from agg_visit_day
    where community_id is not null
      and day_in_range(day_on, $date_from, $date_to)
    group by all
),

final as (
    select
        -- ids
        c.community_id,
        c.name,
        c.kind,
        c.district,
        -- residents
        c.households,
        c.population,
        c.elderly,
        c.disabled,
        -- counts
        cast(coalesce(o.n_orders, 0) as bigint) as n_orders,
        cast(coalesce(o.n_callback, 0) as bigint) as n_callback,
        cast(coalesce(o.n_satisfied, 0) as bigint) as n_satisfied,
        cast(coalesce(v.n_visits, 0) as bigint) as n_visits
    from agg_community as c
    left join orders as o using (community_id)
    left join visits as v using (community_id)
)

select * from final
order by community_id
