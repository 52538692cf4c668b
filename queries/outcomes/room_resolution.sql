-- Room visits resolved on the spot (是否办结), per room.
--
-- Grain: one row per room with a visit in the range; key room_id.
-- Columns: room_id, name, n_visits, n_resolved, resolution_rate (n_resolved / n_visits).
-- A visit without a resolved flag counts as a visit, not as resolved.
-- Source: agg_visit_day, service_rooms.
-- Params (NULL = all): $date_from, $date_to, $districts, $waves (of the visit's
-- community), $service_types.
with

cells as (
    select room_id, sum(n_visits) as n_visits, sum(n_resolved) as n_resolved
    from agg_visit_day
    where day_in_range(day_on, $date_from, $date_to)
      and ($districts is null or list_contains($districts, district))
      and ($waves is null or list_contains($waves, wave))
      and ($service_types is null or list_contains($service_types, service_type))
    group by all
),

final as (
    select
        -- ids
        k.room_id,
        r.name,
        -- numerics
        cast(k.n_visits as bigint) as n_visits,
        cast(k.n_resolved as bigint) as n_resolved,
        k.n_resolved / k.n_visits as resolution_rate
    from cells as k
    left join service_rooms as r using (room_id)
)

select * from final
order by room_id
