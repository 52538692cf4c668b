-- communities: demand at community level for the coverage engine and the map.
-- Grain: one row per community; key community_id. Point = stored lon/lat (the point or
-- the polygon centroid); geometry_wkb is the polygon when the export had one.
with

source as (
    select * from communities
),

final as (
    select
        -- ids
        community_id,
        name,
        district,
        subdistrict,
        kind,
        -- numerics
        coalesce(households, 0) as households,
        coalesce(population, 0) as population,
        coalesce(elderly, 0) as elderly,
        -- geometry
        lon,
        lat,
        geometry_wkb
    from source
)

select * from final
order by community_id
