-- Community-month panel: mean counter waiting time of the community's residents, minutes
-- (平均等候时长).
--
-- Grain: one row per (community, month) with at least one served ticket; key
-- (community_id, month_on). NOT balanced: a month without served tickets has no mean
-- and no row (the estimator handles the unbalanced panel).
--
-- Reads the rollup eff_ticket_cell (queries/rollups/11_effect_cells.sql), summed by the macro
-- eff_counts (queries/macros/eff_base.sql).
-- Outcome y = mean over served tickets (outcome = 'served') with this community_id,
-- issued in the month, of wait = called_at - issued_at in minutes (called_at is the last
-- call, spec). Tickets with no called_at or called_at < issued_at are left out.
-- kind: the community's urban / rural kind (the estimator compares within kind).
--
-- Params (NULL = all / open end)
--   $date_from, $date_to  dates; widened to whole calendar months
--   $districts            communities.district
--   $waves                served communities of these waves; never-served always kept
--   $hall_ids             only tickets of these halls
--   $service_types        only tickets of these service types
with

units as (
    select community_id, kind, first_opened_on
    from eff_units($districts, $waves)
),

waits as (
    select community_id, month_on, n_waited, sum_wait_min
    from eff_counts($date_from, $date_to, 'tickets', $hall_ids, $service_types, null)
    where n_waited > 0
),

final as (
    select
        -- ids
        u.community_id,
        w.month_on,
        u.first_opened_on,
        -- attributes
        u.kind,
        -- numerics
        w.n_waited as n_obs,
        w.sum_wait_min / w.n_waited as y
    from units as u
    inner join waits as w using (community_id)
)

select * from final
order by community_id, month_on
