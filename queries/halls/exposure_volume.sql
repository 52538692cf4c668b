-- Hall catchment from attributed tickets: how many counter tickets each community brought
-- to each hall, before the roll-out and in all, with the community's first room opening.
--
-- Grain: one row per (hall_id, community_id) with at least one ticket; key both.
-- Reads eff_ticket_cell (tickets with a community_id; queries/rollups/11_effect_cells.sql)
-- and community_treatment.
--   n_pre_tickets    tickets in the calendar months before the month of the first room
--                    opening anywhere (the pre-roll-out volume; 0 when the data start
--                    after the roll-out began)
--   n_tickets        tickets of the whole data span
--   first_opened_on  first opening of a room serving the community (NULL: never served)
--   households       the community's households (NULL when unknown)
--
-- Params (NULL = all)
--   $districts   business_halls.district of the hall
--   $hall_ids    the halls
with

rollout as (
    select cast(date_trunc('month', min(first_opened_on)) as date) as first_month_on
    from community_treatment
),

volume as (
    select
        k.hall_id,
        k.community_id,
        coalesce(sum(k.n_tickets) filter (where k.month_on < r.first_month_on), 0) as n_pre_tickets,
        sum(k.n_tickets) as n_tickets
    from eff_ticket_cell as k
    cross join rollout as r
    group by all
),

final as (
    select
        -- ids
        v.hall_id,
        v.community_id,
        -- dates
        t.first_opened_on,
        -- numerics
        v.n_pre_tickets,
        v.n_tickets,
        c.households
    from volume as v
    inner join business_halls as h using (hall_id)
    left join community_treatment as t using (community_id)
    left join communities as c using (community_id)
    where ($districts is null or h.district = any($districts))
      and ($hall_ids is null or v.hall_id = any($hall_ids))
)

select * from final
order by hall_id, community_id
