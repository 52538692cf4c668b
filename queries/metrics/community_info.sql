-- One community's facts and the rooms serving it (a customer manager's crib sheet).
-- Grain: one row per room serving the community (one row with NULL room fields if none).
-- Source: agg_community, service_rooms. Params: $community_id.
select
    c.community_id, c.name, c.district, c.kind, c.households, c.population, c.elderly,
    c.disabled, c.wave, c.first_opened_on,
    r.room_id, r.name as room_name, r.opened_on, r.closed_on, r.open_days, r.open_hours,
    r.managers
from agg_community as c
left join service_rooms as r
    on list_contains(list_append(coalesce(r.served_community_ids, []::varchar[]), r.community_id),
        c.community_id)
where c.community_id = $community_id
order by r.opened_on, r.room_id
