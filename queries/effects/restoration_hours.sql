-- Community-month panel: mean fault restoration time, hours (故障抢修 恢复送电时长).
--
-- Grain: one row per (community, month) with at least one restored fault order; key
-- (community_id, month_on). NOT balanced: months without faults have no row.
--
-- Reads the rollup eff_hotline_cell (queries/rollups/11_effect_cells.sql).
-- Outcome y = mean over 95598 orders of category 'fault_repair' with this community_id,
-- received in the month, of restored_at - received_at in hours: the time the customer
-- is without power from the report to restoration (the 3 h urban / 4 h rural
-- commitment is held against the same span). Orders without restored_at, or with
-- restored_at before received_at, are left out.
--
-- Params (NULL = all / open end)
--   $date_from, $date_to  dates; widened to whole calendar months
--   $districts            communities.district
--   $waves                served communities of these waves; never-served always kept
with

bounds as (
    select
        cast(date_trunc('month', coalesce(cast($date_from as date), min(month_on))) as date)
            as first_month_on,
        cast(date_trunc('month', coalesce(cast($date_to as date), max(month_on))) as date)
            as last_month_on
    from eff_hotline_cell
    where n_fault > 0
),

units as (
    select
        c.community_id,
        t.first_opened_on
    from communities as c
    left join community_treatment as t using (community_id)
    where ($districts is null or c.district = any($districts))
      and ($waves is null or coalesce(t.wave, 'none') = 'none' or t.wave = any($waves))
),

restorations as (
    select
        community_id,
        month_on,
        n_restored,
        sum_restore_h / n_restored as restoration_mean_h
    from eff_hotline_cell
    where n_restored > 0
      and month_on between (select first_month_on from bounds) and (select last_month_on from bounds)
),

final as (
    select
        -- ids
        u.community_id,
        r.month_on,
        u.first_opened_on,
        -- numerics
        r.n_restored as n_obs,
        r.restoration_mean_h as y
    from units as u
    inner join restorations as r using (community_id)
)

select * from final
order by community_id, month_on
