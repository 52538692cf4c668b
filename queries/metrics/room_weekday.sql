-- Room utilisation by weekday: scheduled open days, manager-days and visits on them.
-- Grain: one row per weekday (1 = Monday). Source: agg_room_weekday_month, service_rooms,
-- agg_community (the room's own community). Months overlapping the date range.
-- Params: $date_from, $date_to, $districts, $waves.
select
    t.weekday,
    sum(t.n_open_days) as n_open_days,
    sum(t.n_manager_days) as n_manager_days,
    sum(t.n_visits) as n_visits
from agg_room_weekday_month as t
join service_rooms as r using (room_id)
left join agg_community as c on c.community_id = r.community_id
where month_overlaps(month_on, $date_from, $date_to)
      and in_scope(c.district, c.wave, $districts, $waves)
group by all
order by t.weekday
