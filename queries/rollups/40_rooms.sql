-- Service-room rollups: visits, open days, staff.
--
-- agg_visit_day: grain (room_id, community_id, day_on, service_type, customer_group,
-- mode); visits, with the community's district and wave. A visit's community is its own
-- community_id, else the room's.
-- agg_visit_month: grain (month_on, district, wave, service_type, customer_group, mode) with
-- district and wave of the visit's community (NULL when unknown); whole months of a range
-- read this, the partial months at its ends agg_visit_day.
-- agg_visit_comm_month: grain (community_id, month_on); visits (the community profile).
-- agg_room_weekday_month: grain (room_id, month_on, weekday 1=Mon..7); scheduled open
-- days (dates on the room's open_days between opened_on and closed_on, within the span
-- of the visit data) and visits on those weekdays: room utilisation by weekday.
-- incremental: day_on
create or replace table agg_visit_day as
with

visits as (
    select
        v.room_id,
        coalesce(v.community_id, r.community_id) as community_id,
        cast(v.visited_at as date) as day_on,
        coalesce(v.service_type, 'other') as service_type,
        coalesce(v.customer_group, 'general') as customer_group,
        coalesce(v.mode, 'walk_in') as mode,
        v.resolved
    from room_visits as v
    left join service_rooms as r using (room_id)
)

select
    v.room_id,
    v.community_id,
    c.district,
    c.wave,
    v.day_on,
    v.service_type,
    v.customer_group,
    v.mode,
    count(*) as n_visits,
    count(*) filter (where v.resolved) as n_resolved
from visits as v
left join agg_community as c using (community_id)
group by all
order by day_on;

-- incremental: month_on
create or replace table agg_visit_month as
select
    cast(date_trunc('month', day_on) as date) as month_on,
    district,
    wave,
    service_type,
    customer_group,
    mode,
    sum(n_visits) as n_visits,
    sum(n_resolved) as n_resolved
from agg_visit_day
group by all
order by month_on;

-- incremental: month_on
create or replace table agg_visit_comm_month as
select
    community_id,
    cast(date_trunc('month', day_on) as date) as month_on,
    sum(n_visits) as n_visits
from agg_visit_day
where community_id is not null
group by all
order by community_id, month_on;

create or replace table agg_room_weekday_month as
with

span as (
    select
        least(
            (select min(cast(visited_at as date)) from room_visits),
            (select min(day_on) from agg_ticket_day)  -- the tickets' days (every ticket is in it)
        ) as first_on,
        greatest(
            (select max(cast(visited_at as date)) from room_visits),
            (select max(day_on) from agg_ticket_day)
        ) as last_on
),

days as (
    select cast(d as date) as day_on
    from span, unnest(generate_series(first_on, last_on, interval 1 day)) as g(d)
    where first_on is not null
),

open_days as (
    select
        r.room_id,
        d.day_on,
        coalesce(r.managers, 0) as managers
    from service_rooms as r
    join days as d
        on d.day_on >= r.opened_on
       and (r.closed_on is null or d.day_on < r.closed_on)
       and list_contains(
            r.open_days,
            ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][isodow(d.day_on)]
       )
),

visits as (
    select room_id, day_on, sum(n_visits) as n_visits
    from agg_visit_day
    group by all
),

final as (
    select
        o.room_id,
        cast(date_trunc('month', o.day_on) as date) as month_on,
        isodow(o.day_on) as weekday,
        count(*) as n_open_days,
        sum(o.managers) as n_manager_days,
        coalesce(sum(v.n_visits), 0) as n_visits
    from open_days as o
    left join visits as v using (room_id, day_on)
    group by all
)

select * from final
order by month_on, room_id;
