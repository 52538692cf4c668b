-- Community status for the effect estimate's caveats (not an outcome panel).
--
-- Grain: one row per community of the selection; key community_id. Read by
-- dashboard.analysis.effects.estimate to COUNT what the panels leave out or simplify:
-- communities without a household count (no per-1,000-household rate), and served
-- communities that lost every room for a while (rooms closed). Treatment stays "first
-- opening" (docs/ARCHITECTURE.md "Treatment", rollup community_treatment); this query
-- only reports when that simplification applies.
--
-- Columns
--   community_id     text, key
--   households       communities.households (NULL / 0: no rate)
--   first_opened_on  community_treatment.first_opened_on (NULL: never served)
--   n_rooms          rooms with an opened_on serving it (own community_id counts)
--   unserved_from    first closed_on after which no room serving it was open (NULL: never)
--   served_again_on  first opening of a room serving it after unserved_from (NULL: none)
--
-- Source: room_community (rollups/10_community_treatment.sql); the units and their
-- households and first opening from the panels' macro eff_units (macros/eff_base.sql).
-- Params (NULL = all): $districts, $waves (the same unit selection as the panels)
with

lapses as (
    -- a closing after which no room serving the community is open (anti-join)
    select
        a.community_id,
        a.closed_on as lapse_on
    from room_community as a
    left join room_community as b
        on b.community_id = a.community_id
        and b.opened_on <= a.closed_on
        and (b.closed_on is null or b.closed_on > a.closed_on)
    where a.closed_on is not null
    group by all
    having count(b.room_id) = 0
),

first_lapse as (
    select community_id, min(lapse_on) as unserved_from
    from lapses
    group by all
),

per_community as (
    select
        s.community_id,
        count(distinct s.room_id) as n_rooms,
        min(f.unserved_from) as unserved_from,
        min(s.opened_on) filter (where s.opened_on > f.unserved_from) as served_again_on
    from room_community as s
    left join first_lapse as f using (community_id)
    group by all
),

final as (
    select
        -- ids
        u.community_id,
        -- numerics
        u.households,
        coalesce(p.n_rooms, 0) as n_rooms,
        -- dates
        u.first_opened_on,
        p.unserved_from,
        p.served_again_on
    from eff_units($districts, $waves) as u
    left join per_community as p using (community_id)
)

select * from final
order by community_id
