-- Community-month panel of a mean over 95598 orders, read from the rollup eff_hotline_cell
-- (queries/rollups/11_effect_cells.sql): the one definition behind the effect panels
-- restoration_hours, arrival_minutes and satisfaction_rate (queries/effects/).
--
-- Grain: one row per (community, month) with at least one order the mean is taken over;
-- key (community_id, month_on). NOT balanced: a month without such orders has no row.
-- Columns: community_id, month_on, first_opened_on, kind (urban / rural, NULL: none), n_obs, y.
--
-- p_measure (what y is)
--   'restore_h'        mean restored_at - received_at, hours, fault_repair orders with
--                      restored_at >= received_at (n_obs = n_restored)
--   'arrival_min'      mean arrived_at - received_at, minutes, fault_repair orders with
--                      arrived_at >= received_at (n_obs = n_arrived)
--   'satisfied_share'  (满意 + 基本满意) / callbacks, orders of every category with a
--                      callback (n_obs = n_callback)
-- Filters (NULL = all / open end): p_from, p_to (days, widened to whole calendar
-- months), p_districts (communities.district), p_waves (served communities of these waves;
-- never-served ones always kept as controls).
create or replace macro eff_hotline_mean(p_from, p_to, p_districts, p_waves, p_measure) as table
with

units as (
    select community_id, kind, first_opened_on
    from eff_units(p_districts, p_waves)
),

cells as (
    select
        community_id,
        month_on,
        cast(sum(case p_measure
            when 'restore_h' then n_restored
            when 'arrival_min' then n_arrived
            when 'satisfied_share' then n_callback
        end) as bigint) as n_obs,
        sum(case p_measure
            when 'restore_h' then sum_restore_h
            when 'arrival_min' then sum_arrival_min
            when 'satisfied_share' then n_satisfied
        end) as total
    from eff_hotline_cell
    where month_overlaps(month_on, p_from, p_to)
    group by all
    having sum(case p_measure
        when 'restore_h' then n_restored
        when 'arrival_min' then n_arrived
        when 'satisfied_share' then n_callback
    end) > 0
)

select
    -- ids
    u.community_id,
    k.month_on,
    u.first_opened_on,
    -- attributes
    u.kind,
    -- numerics
    k.n_obs,
    k.total / k.n_obs as y
from units as u
inner join cells as k using (community_id)
order by u.community_id, k.month_on;
