-- Community-month panel: business-hall queue tickets per 1,000 households
-- (营业厅到厅业务量 每千户).
--
-- Grain: one row per (community, month); key (community_id, month_on). Balanced:
-- months without tickets count 0. Input to dashboard.analysis.effects.
--
-- Reads the rollup eff_ticket_cell (queries/rollups/11_effect_cells.sql).
-- Outcome y = tickets whose community_id is the community, issued in the month (any
-- outcome: served, no-show, cancelled: each is a trip to the hall), * 1000 / households.
-- Tickets without community_id cannot be placed and are not counted.
--
-- Params (NULL = all / open end)
--   $date_from, $date_to  dates; widened to whole calendar months
--   $districts            communities.district
--   $waves                served communities of these waves; never-served always kept
--   $hall_ids             count only tickets of these halls
--   $service_types        count only tickets of these service types
with

months as (
    select month_on
    from eff_months($date_from, $date_to,
                    (select min(month_on) from eff_ticket_cell), (select max(month_on) from eff_ticket_cell))
),

bounds as (
    select min(month_on) as first_month_on, max(month_on) as last_month_on
    from months
),

units as (
    select community_id, households, first_opened_on
    from eff_units($districts, $waves)
    where households > 0
),

counts as (
    select
        k.community_id,
        k.month_on,
        sum(k.n_tickets) as n_tickets
    from eff_ticket_cell as k
    where k.month_on between (select first_month_on from bounds) and (select last_month_on from bounds)
      and ($hall_ids is null or k.hall_id = any($hall_ids))
      and ($service_types is null or k.service_type = any($service_types))
    group by all
),

final as (
    select
        -- ids
        u.community_id,
        m.month_on,
        u.first_opened_on,
        -- numerics
        coalesce(k.n_tickets, 0) as n_obs,
        coalesce(k.n_tickets, 0) * 1000.0 / u.households as y
    from units as u
    cross join months as m
    left join counts as k
        on k.community_id = u.community_id and k.month_on = m.month_on
)

select * from final
order by community_id, month_on
