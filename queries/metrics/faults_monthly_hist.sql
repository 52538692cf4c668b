-- faults_monthly.sql without a district or wave filter, for targets that are whole
-- minutes (the metric functions check): the same output, exact.
-- Grain: one row per (month_on, urban_rural). Whole months come from agg_fault_month
-- (per month, area and measure: orders by value in whole minutes rounded up, with the
-- exact sum of the value); the partial months at either end from agg_fault (head and
-- tail read apart by edge_days), binned the same way. Late (value > target) iff
-- value_bin > target in minutes. Params: $date_from, $date_to (exact days) and the targets as faults_monthly.sql.
with

rows as (
    -- whole months
    select t.month_on, t.urban_rural, t.measure, t.value_bin, t.n, t.sum_value
    from agg_fault_month as t
    where month_in_range(t.month_on, $date_from, $date_to)
    union all
    -- the partial months at either end, binned the same way
    select t.month_on, t.urban_rural, m.measure,
        cast(ceil(case m.measure when 'arrival' then t.arrival_min else t.restore_h * 60.0 end)
             as integer) as value_bin,
        1 as n,
        case m.measure when 'arrival' then t.arrival_min else t.restore_h end as sum_value
    from edge_days('agg_fault', $date_from, $date_to) as t
    cross join (values ('arrival'), ('restore')) as m(measure)
),

targeted as (
    select
        r.*,
        arrival_target_min(r.urban_rural, $arrival_urban_min, $arrival_rural_min, $arrival_remote_min)
            as arrival_target_min,
        restore_target_h(r.urban_rural, $restore_urban_h, $restore_rural_h) as restore_target_h
    from rows as r
),

final as (
    select
        month_on,
        urban_rural,
        sum(n) filter (where measure = 'arrival') as n_faults,
        coalesce(sum(n) filter (where measure = 'arrival' and value_bin is not null), 0)
            as n_arrived,
        coalesce(sum(sum_value) filter (where measure = 'arrival'), 0) as sum_arrival_min,
        coalesce(sum(n) filter (where measure = 'arrival' and value_bin > arrival_target_min), 0)
            as n_arrival_late,
        coalesce(sum(n) filter (where measure = 'restore' and value_bin is not null), 0)
            as n_restored,
        coalesce(sum(sum_value) filter (where measure = 'restore'), 0) as sum_restore_h,
        coalesce(sum(n) filter (
            where measure = 'restore' and value_bin > restore_target_h * 60.0), 0)
            as n_restore_late
    from targeted
    group by all
)

select * from final
order by month_on, urban_rural
