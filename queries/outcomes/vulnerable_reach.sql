-- Reach of the rooms among elderly and disabled residents, per community.
--
-- Grain: one row per community with elderly + disabled residents recorded or with a
-- visit; key community_id.
-- Columns
--   community_id, name
--   n_residents    communities.elderly + communities.disabled (NULL when neither recorded)
--   n_customers    distinct customer_hash over room visits by the elderly or disabled
--                  customer groups in the range (visits without a 户号 cannot be counted)
--   n_visits       those visits, with or without a customer hash
-- A visit's community is its own community_id, else its room's.
-- Source: room_visits, service_rooms, agg_community.
-- Params (NULL = all): $date_from, $date_to (days of visited_at), $districts, $waves.
with

visits as (
    select
        coalesce(v.community_id, r.community_id) as community_id,
        v.customer_hash
    from room_visits as v
    left join service_rooms as r using (room_id)
    where v.customer_group in ('elderly', 'disabled')
      and ($date_from is null or cast(v.visited_at as date) >= cast($date_from as date))
      and ($date_to is null or cast(v.visited_at as date) <= cast($date_to as date))
),

served as (
    select
        community_id,
        count(distinct customer_hash) as n_customers,
        count(*) as n_visits
    from visits
    group by all
),

final as (
    select
        -- ids
        c.community_id,
        c.name,
        -- numerics
        case when c.elderly is null and c.disabled is null then null
            else coalesce(c.elderly, 0) + coalesce(c.disabled, 0) end as n_residents,
        coalesce(s.n_customers, 0) as n_customers,
        coalesce(s.n_visits, 0) as n_visits
    from agg_community as c
    left join served as s using (community_id)
    where ($districts is null or list_contains($districts, c.district))
      and ($waves is null or list_contains($waves, c.wave))
)

select * from final
where n_residents is not null or n_visits > 0
order by community_id
