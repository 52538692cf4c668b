-- Community-month panel: 95598 work orders per 1,000 households (每千户95598工单量).
--
-- Grain: one row per (community, month); key (community_id, month_on). Balanced:
-- every selected community has every month of the window (months without orders
-- count 0). Input to dashboard.analysis.effects (staggered DiD).
--
-- Reads the rollup eff_hotline_cell (queries/rollups/11_effect_cells.sql).
-- Outcome y = orders with that community_id received in the month * 1000 / households
-- ($per_households in place of 1000 when given: complaints per 10,000 households).
-- Communities without a household count (NULL or 0) are left out (no rate).
--
-- Params (NULL = all / open end)
--   $date_from, $date_to  dates; widened to whole calendar months (a part month would
--                         distort a per-month rate); open ends take the data's range
--   $districts            list of districts (communities.district)
--   $waves                list of roll-out waves; the wave filter picks which SERVED
--                         communities enter; never-served ones (wave 'none') always
--                         stay as controls
--   $categories           count only orders of these categories (hotline_orders.category;
--                         an order without one counts as 'other')
--   $per_households       households the rate is per (NULL = 1000)
with

months as (
    select month_on
    from eff_months($date_from, $date_to,
                    (select min(month_on) from eff_hotline_cell), (select max(month_on) from eff_hotline_cell))
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
    select community_id, month_on, cast(sum(n_orders) as bigint) as n_orders
    from eff_hotline_cell
    where month_on between (select first_month_on from bounds) and (select last_month_on from bounds)
      and ($categories is null or category = any($categories))
    group by all
),

final as (
    select
        -- ids
        u.community_id,
        m.month_on,
        u.first_opened_on,
        -- numerics
        coalesce(k.n_orders, 0) as n_obs,
        coalesce(k.n_orders, 0) * coalesce(cast($per_households as double), 1000.0) / u.households as y
    from units as u
    cross join months as m
    left join counts as k
        on k.community_id = u.community_id and k.month_on = m.month_on
)

select * from final
order by community_id, month_on
