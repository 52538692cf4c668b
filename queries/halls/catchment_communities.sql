-- Communities for a geographic hall catchment (nearest hall by walk or straight line),
-- used where a hall has no attributed tickets.
-- Grain: one row per community with a point; key community_id.
with

final as (
    select
        -- ids
        c.community_id,
        -- dates
        t.first_opened_on,
        -- numerics
        coalesce(c.households, 0) as households,
        -- geometry
        c.lon,
        c.lat
    from communities as c
    left join community_treatment as t using (community_id)
    where c.lon is not null and c.lat is not null
)

select * from final
order by community_id
