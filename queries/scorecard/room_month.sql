-- Scorecard cells of the service rooms (考核): one row per room and calendar month.
--
-- Grain: (room_id, month_on); key room_id, month_on. Months run from the first month
-- with data to the month of $month_on (clipped to the last day with data); a room has a
-- row in every month it was open (opened_on .. closed_on) and in any other month with a
-- visit (a visit before the opening or after the closing is a visit on a closed day).
-- Columns:
--   ids:       room_id, name, community_id, month_on
--   schedule:  n_open_days (scheduled: the room's open_days between opened_on and
--              closed_on, up to the last day with data), n_idle_days (scheduled open days
--              with no visit of any kind), n_closed_day_visits (visits of any kind on a day
--              the room was not scheduled open)
--   visits:    n_visits, n_vulnerable ($vulnerable groups), n_home_visits (mode
--              home_visit), n_resolved (resolved on the spot) -- these four carry the
--              service-type filter; the schedule columns count every visit
--   judged:    is_full_month (the room was open the whole month and the data cover it:
--              monthly counts are held against their targets only then)
--   people:    households (of the communities the room serves: community_id and
--              served_community_ids), n_managers (customer managers whose latest role
--              period on or before the month's last day names this room in the staff
--              ledger; where the ledger names none for the room, the rooms table's
--              managers count), managers_from_ledger
-- Source: service_rooms, agg_visit_day, agg_community, agg_data_span, staff, communities.
-- Params: $month_on (any day of the last month; NULL = the last month with data),
-- $districts, $waves (of the room's own community), $service_types, $vulnerable.
with

span as (
    select
        first_on,
        case when $month_on is null then last_on
             else least(last_on, last_day(cast($month_on as date))) end as last_on
    from agg_data_span
),

months as (
    select cast(m as date) as month_on
    from span, unnest(generate_series(
        date_trunc('month', first_on), date_trunc('month', last_on), interval 1 month)) as g(m)
    where first_on is not null
),

days as (
    select cast(d as date) as day_on
    from span, unnest(generate_series(first_on, last_on, interval 1 day)) as g(d)
    where first_on is not null
),

rooms as (
    select
        -- ids
        r.room_id,
        r.name,
        r.community_id,
        -- dates
        r.opened_on,
        r.closed_on,
        -- schedule
        coalesce(r.open_days, []) as open_days,
        r.managers,
        list_distinct(list_append(coalesce(r.served_community_ids, []), r.community_id)) as served
    from service_rooms as r
    left join agg_community as c on c.community_id = r.community_id
    where ($districts is null or list_contains($districts, c.district))
      and ($waves is null or list_contains($waves, c.wave))
),

households as (
    select r.room_id, sum(coalesce(c.households, 0)) as households
    from rooms as r, unnest(r.served) as u(cid)
    join communities as c on c.community_id = u.cid
    group by all
),

scheduled as (
    select r.room_id, d.day_on
    from rooms as r
    join days as d
        on (r.opened_on is null or d.day_on >= r.opened_on)
       and (r.closed_on is null or d.day_on < r.closed_on)
       and list_contains(r.open_days, ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][isodow(d.day_on)])
),

visit_days as (
    select v.room_id, v.day_on, sum(v.n_visits) as n_all
    from agg_visit_day as v
    join rooms using (room_id)
    join span on v.day_on between span.first_on and span.last_on
    group by all
),

schedule_month as (
    select
        coalesce(s.room_id, v.room_id) as room_id,
        cast(date_trunc('month', coalesce(s.day_on, v.day_on)) as date) as month_on,
        count(s.day_on) as n_open_days,
        count(s.day_on) filter (where v.day_on is null) as n_idle_days,
        coalesce(sum(v.n_all) filter (where s.day_on is null), 0) as n_closed_day_visits
    from scheduled as s
    full join visit_days as v using (room_id, day_on)
    group by all
),

visit_month as (
    select
        v.room_id,
        cast(date_trunc('month', v.day_on) as date) as month_on,
        sum(v.n_visits) as n_visits,
        sum(v.n_visits) filter (where list_contains($vulnerable, v.customer_group)) as n_vulnerable,
        sum(v.n_visits) filter (where v.mode = 'home_visit') as n_home_visits,
        sum(v.n_resolved) as n_resolved
    from agg_visit_day as v
    join rooms using (room_id)
    join span on v.day_on between span.first_on and span.last_on
    where ($service_types is null or list_contains($service_types, v.service_type))
    group by all
),

grid as (
    select r.room_id, m.month_on
    from rooms as r
    join months as m
        on (r.opened_on is null or m.month_on >= date_trunc('month', r.opened_on))
       and (r.closed_on is null or m.month_on < r.closed_on)
    union
    select room_id, month_on from schedule_month
    union
    select room_id, month_on from visit_month
),

staff_month as (
    select m.month_on, s.staff_hash, s.room_id, s.current_role
    from months as m
    join staff as s on s.assigned_on is null or s.assigned_on <= last_day(m.month_on)
    qualify row_number() over (
        partition by m.month_on, s.staff_hash order by s.assigned_on desc nulls last) = 1
),

ledger as (
    select month_on, room_id, count(*) as n_managers
    from staff_month
    where current_role = 'customer_manager' and room_id is not null
    group by all
),

final as (
    select
        -- ids
        g.room_id,
        r.name,
        r.community_id,
        g.month_on,
        -- schedule
        cast(coalesce(s.n_open_days, 0) as bigint) as n_open_days,
        cast(coalesce(s.n_idle_days, 0) as bigint) as n_idle_days,
        cast(coalesce(s.n_closed_day_visits, 0) as bigint) as n_closed_day_visits,
        -- visits
        cast(coalesce(v.n_visits, 0) as bigint) as n_visits,
        cast(coalesce(v.n_vulnerable, 0) as bigint) as n_vulnerable,
        cast(coalesce(v.n_home_visits, 0) as bigint) as n_home_visits,
        cast(coalesce(v.n_resolved, 0) as bigint) as n_resolved,
        -- judged
        (r.opened_on is null or r.opened_on <= g.month_on)
            and (r.closed_on is null or r.closed_on > last_day(g.month_on))
            and span.first_on <= g.month_on and span.last_on >= last_day(g.month_on) as is_full_month,
        -- people
        cast(coalesce(h.households, 0) as bigint) as households,
        cast(coalesce(l.n_managers, r.managers) as bigint) as n_managers,
        l.n_managers is not null as managers_from_ledger
    from grid as g
    join rooms as r using (room_id)
    cross join span
    left join schedule_month as s using (room_id, month_on)
    left join visit_month as v using (room_id, month_on)
    left join households as h using (room_id)
    left join ledger as l using (room_id, month_on)
)

select * from final
order by room_id, month_on
