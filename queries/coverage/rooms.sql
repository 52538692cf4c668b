-- rooms: every service room with its point, dates and schedule fields.
-- Grain: one row per room; key room_id. A room without its own lon/lat takes the point
-- of its community (lon_source = 'community'); rooms with neither are kept with NULLs
-- and reported by the engine.
with

rooms as (
    select * from service_rooms
),

communities as (
    select community_id, name as community_name, lon as c_lon, lat as c_lat
    from communities
),

final as (
    select
        -- ids
        r.room_id,
        r.name,
        r.community_id,
        c.community_name,
        r.served_community_ids,
        -- geometry
        coalesce(r.lon, c.c_lon) as lon,
        coalesce(r.lat, c.c_lat) as lat,
        case when r.lon is not null and r.lat is not null then 'room' else 'community' end
            as lon_source,
        -- dates
        r.opened_on,
        r.closed_on,
        -- schedule
        r.open_days,
        r.open_hours,
        r.managers
    from rooms as r
    left join communities as c using (community_id)
)

select * from final
order by room_id
