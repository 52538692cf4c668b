-- Fault repair against the commitments, per month and urban / rural.
-- Grain: one row per (month_on, urban_rural). arrival = arrived_at - received_at
-- (minutes), restoration = restored_at - received_at (hours); late = above the target
-- of the order's area (remote: remote arrival target, rural restoration target).
-- One row per fault order (exact for any targets); the metric functions read
-- faults_monthly_hist.sql instead when no district / wave filter is set and the targets
-- are whole minutes. Source: agg_fault (district and wave of the order's community).
-- Params: $date_from, $date_to (exact days), $districts, $waves, and the targets
-- $arrival_urban_min, $arrival_rural_min, $arrival_remote_min, $restore_urban_h,
-- $restore_rural_h (settings.TARGETS).
with

filtered as (
    select
        t.month_on,
        t.urban_rural,
        t.arrival_min,
        t.restore_h,
        arrival_target_min(t.urban_rural, $arrival_urban_min, $arrival_rural_min, $arrival_remote_min)
            as arrival_target_min,
        restore_target_h(t.urban_rural, $restore_urban_h, $restore_rural_h) as restore_target_h
    from agg_fault as t
    where day_in_range(t.day_on, $date_from, $date_to)
      and in_scope(t.district, t.wave, $districts, $waves)
),

final as (
    select
        month_on,
        urban_rural,
        count(*) as n_faults,
        count(arrival_min) as n_arrived,
        coalesce(sum(arrival_min), 0) as sum_arrival_min,
        count(*) filter (where arrival_min > arrival_target_min) as n_arrival_late,
        count(restore_h) as n_restored,
        coalesce(sum(restore_h), 0) as sum_restore_h,
        count(*) filter (where restore_h > restore_target_h) as n_restore_late
    from filtered
    group by all
)

select * from final
order by month_on, urban_rural
