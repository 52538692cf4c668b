-- community_treatment: when each community started being served by a service room.
--
-- Grain: one row per community; key community_id (unique, not null).
-- Rule (docs/ARCHITECTURE.md "Treatment"): a community is *served* from the first
-- opened_on of any room whose served_community_ids contains it (the room's own
-- community_id counts too). Treatment is absorbing: a later closed_on does not end it
-- (the staggered DiD in dashboard/analysis/effects.py needs once-treated-always-treated).
-- Rooms without an opened_on are ignored.
--
-- Communities never served are KEPT, with first_opened_on = NULL, wave = 'none' and
-- room_id = NULL, so a filter on $waves can select 'none' (not-yet-served communities)
-- and joins from tickets / orders never drop rows. Ids named by a room but missing
-- from `communities` are kept as well (they still have a wave).
--
-- Columns of community_treatment
--   community_id     text, key
--   first_opened_on  date, first opening of a room serving it (NULL: never served)
--   wave             'YYYYQn' quarter of first_opened_on, or 'none'
--   room_id          the room that opened first (ties: smallest room_id), NULL if none

-- room_community: one row per (room, community it serves) for rooms with an opened_on;
-- the room's own community_id counts. Also read by queries/effects/community_status.sql.
create or replace table room_community as
select distinct
    r.room_id,
    r.opened_on,
    r.closed_on,
    trim(s.community_id) as community_id
from service_rooms as r,
    unnest(list_append(coalesce(r.served_community_ids, []::varchar[]), r.community_id))
        as s(community_id)
where r.opened_on is not null
  and s.community_id is not null
  and trim(s.community_id) <> ''
order by community_id;

create or replace table community_treatment as
with

first_room as (
    select
        community_id,
        min(opened_on) as first_opened_on,
        arg_min(room_id, (opened_on, room_id)) as room_id
    from room_community
    group by community_id
),

all_communities as (
    select community_id from communities
    union
    select community_id from first_room
),

final as (
    select
        -- ids
        a.community_id,
        -- dates
        f.first_opened_on,
        -- roll-out wave
        case
            when f.first_opened_on is null then 'none'
            else cast(year(f.first_opened_on) as varchar) || 'Q'
                || cast(quarter(f.first_opened_on) as varchar)
        end as wave,
        f.room_id
    from all_communities as a
    left join first_room as f using (community_id)
)

select * from final;

-- served_status(first_opened_on, month_on): a community's status in a calendar month,
-- 'served' from the month of its first room opening on, else 'not_yet' (never-served
-- communities included). Defined here, beside the treatment it reads, so the rollups that
-- follow and the named queries share one definition (a macro stored in the warehouse).
create or replace macro served_status(first_opened_on, month_on) as
    case when first_opened_on is not null and date_trunc('month', first_opened_on) <= month_on
        then 'served' else 'not_yet' end;
