-- Community-month panel: mean counter waiting time of the community's residents, minutes
-- (平均等候时长).
--
-- Grain: one row per (community, month) with at least one served ticket; key
-- (community_id, month_on). NOT balanced: a month without served tickets has no mean
-- and no row (the estimator handles the unbalanced panel).
--
-- Reads the rollup eff_ticket_cell (queries/rollups/11_effect_cells.sql).
-- Outcome y = mean over served tickets (outcome = 'served') with this community_id,
-- issued in the month, of wait = called_at - issued_at in minutes (called_at is the last
-- call, spec). Tickets with no called_at or called_at < issued_at are left out.
--
-- Params (NULL = all / open end)
--   $date_from, $date_to  dates; widened to whole calendar months
--   $districts            communities.district
--   $waves                served communities of these waves; never-served always kept
--   $hall_ids             only tickets of these halls
--   $service_types        only tickets of these service types
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
    select community_id, first_opened_on
    from eff_units($districts, $waves)
),

waits as (
    select
        k.community_id,
        k.month_on,
        sum(k.n_waited) as n_served,
        sum(k.sum_wait_min) / sum(k.n_waited) as wait_mean_min
    from eff_ticket_cell as k
    where k.month_on between (select first_month_on from bounds) and (select last_month_on from bounds)
      and ($hall_ids is null or k.hall_id = any($hall_ids))
      and ($service_types is null or k.service_type = any($service_types))
    group by all
    having sum(k.n_waited) > 0
),

final as (
    select
        -- ids
        u.community_id,
        w.month_on,
        u.first_opened_on,
        -- numerics
        w.n_served as n_obs,
        w.wait_mean_min as y
    from units as u
    inner join waits as w using (community_id)
)

select * from final
order by community_id, month_on
