-- faults_monthly.sql without a district or wave filter, for targets that are whole
-- minutes (the metric functions check): the same output, exact.
-- Grain: one row per (month_on, urban_rural). Whole months come from agg_fault_month
-- (per month, area and measure: orders by value in whole minutes rounded up, with the
-- exact sum of the value); the partial months at either end from agg_fault (head and
-- tail read apart), binned the same way. Late (value > target) iff value_bin > target in
-- minutes. Params: $date_from, $date_to (exact days) and the targets as faults_monthly.sql.
with

rows as (
    -- whole months
    select t.month_on, t.urban_rural, t.measure, t.value_bin, t.n, t.sum_value
    from agg_fault_month as t
    where month_in_range(t.month_on, $date_from, $date_to)
    union all
    -- the partial month the range starts in ...
    select t.month_on, t.urban_rural, t.measure,
        cast(ceil(case t.measure when 'arrival' then t.arrival_min else t.restore_h * 60.0 end)
             as integer) as value_bin,
        1 as n,
        case t.measure when 'arrival' then t.arrival_min else t.restore_h end as sum_value
    from (
        select f.*, m.measure
        from agg_fault as f
        cross join (values ('arrival'), ('restore')) as m(measure)
    ) as t
    where day_in_head(t.day_on, $date_from, $date_to)
    union all
    -- ... and the one it ends in (unless that is the same month)
    select t.month_on, t.urban_rural, t.measure,
        cast(ceil(case t.measure when 'arrival' then t.arrival_min else t.restore_h * 60.0 end)
             as integer) as value_bin,
        1 as n,
        case t.measure when 'arrival' then t.arrival_min else t.restore_h end as sum_value
    from (
        select f.*, m.measure
        from agg_fault as f
        cross join (values ('arrival'), ('restore')) as m(measure)
    ) as t
    where day_in_tail(t.day_on, $date_from, $date_to)
),

targeted as (
    select
        r.*,
        case r.urban_rural
            when 'urban' then cast($arrival_urban_min as double)
            when 'rural' then cast($arrival_rural_min as double)
            else cast($arrival_remote_min as double)
        end as arrival_target_min,
        case r.urban_rural
            when 'urban' then cast($restore_urban_h as double)
            else cast($restore_rural_h as double)
        end as restore_target_h
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
