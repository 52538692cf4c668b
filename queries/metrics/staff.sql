-- Customer managers in the rooms: each person's latest assignment on or before the end of
-- the range; how many are customer managers and how many of those were meter readers.
-- Grain: one row. Source: staff, service_rooms, agg_community.
-- Params: $date_to, $districts, $waves.
with

latest as (
    select *
    from staff
    where $date_to is null or assigned_on is null or assigned_on <= cast($date_to as date)
    qualify row_number() over (partition by staff_hash order by assigned_on desc nulls last) = 1
),

scoped as (
    select l.*
    from latest as l
    left join service_rooms as r using (room_id)
    left join agg_community as c on c.community_id = r.community_id
    where true
      and in_scope(c.district, c.wave, $districts, $waves)
)

select
    count(*) filter (where current_role = 'customer_manager') as n_managers,
    count(*) filter (where current_role = 'customer_manager' and former_role = 'meter_reader')
        as n_former_meter_readers,
    count(distinct room_id) filter (where current_role = 'customer_manager') as n_rooms_staffed
from scoped
