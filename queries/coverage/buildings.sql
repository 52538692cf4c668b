-- buildings: the optional finer demand layer (residential buildings / compound gates).
-- Grain: one row per building or gate; key building_id. Rows without a point are left
-- out (they cannot be placed on the street network).
with

source as (
    select * from buildings
),

final as (
    select
        -- ids
        building_id,
        community_id,
        kind,
        -- numerics
        coalesce(households, 0) as households,
        coalesce(population, 0) as population,
        coalesce(elderly, 0) as elderly,
        -- geometry
        lon,
        lat
    from source
    where lon is not null and lat is not null
)

select * from final
order by building_id
