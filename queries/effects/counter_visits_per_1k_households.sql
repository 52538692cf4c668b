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

bounds as (
    select
        cast(date_trunc('month', coalesce(cast($date_from as date), min(month_on))) as date)
            as first_month_on,
        cast(date_trunc('month', coalesce(cast($date_to as date), max(month_on))) as date)
            as last_month_on
    from eff_ticket_cell
),

months as (
    select cast(m as date) as month_on
    from bounds,
        unnest(generate_series(first_month_on, last_month_on, interval 1 month)) as g(m)
    where first_month_on is not null and last_month_on is not null
),

units as (
    select
        c.community_id,
        c.households,
        t.first_opened_on
    from communities as c
    left join community_treatment as t using (community_id)
    where c.households > 0
      and ($districts is null or c.district = any($districts))
      and ($waves is null or coalesce(t.wave, 'none') = 'none' or t.wave = any($waves))
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
