-- faults_monthly.sql without a district or wave filter, for targets that are whole
-- minutes (the metric functions check): the same output, exact.
-- Grain: one row per (month_on, urban_rural). Whole months come from agg_fault_month
-- (per month, area and measure: orders by value in whole minutes rounded up, with the
-- exact sum of the value), where late (value > target) iff value_bin > target in
-- minutes; the partial months at either end from agg_fault (head and tail read apart).
-- Params: $date_from, $date_to (exact days) and the targets as faults_monthly.sql.
with

hist as (
    select
        t.month_on,
        t.urban_rural,
        case t.urban_rural
            when 'urban' then cast($arrival_urban_min as double)
            when 'rural' then cast($arrival_rural_min as double)
            else cast($arrival_remote_min as double)
        end as arrival_target_min,
        case t.urban_rural
            when 'urban' then cast($restore_urban_h as double)
            else cast($restore_rural_h as double)
        end as restore_target_h,
        t.measure,
        t.value_bin,
        t.n,
        t.sum_value
    from agg_fault_month as t
    where ($date_from is null or t.month_on >= cast($date_from as date))
      and ($date_to is null or last_day(t.month_on) <= cast($date_to as date))
),

full_months as (
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
    from hist
    group by all
),

-- the partial month the range starts in ...
head_days as (
    select t.month_on, t.urban_rural, t.arrival_min, t.restore_h,
        case t.urban_rural
            when 'urban' then cast($arrival_urban_min as double)
            when 'rural' then cast($arrival_rural_min as double)
            else cast($arrival_remote_min as double)
        end as arrival_target_min,
        case t.urban_rural
            when 'urban' then cast($restore_urban_h as double)
            else cast($restore_rural_h as double)
        end as restore_target_h
    from agg_fault as t
    where coalesce(cast($date_from as date) > date_trunc('month', cast($date_from as date)), false)
      and t.day_on >= cast($date_from as date)
      and t.day_on <= least(last_day(cast($date_from as date)),
                            coalesce(cast($date_to as date), last_day(cast($date_from as date))))
),

-- ... and the one it ends in (unless head_days has it)
tail_days as (
    select t.month_on, t.urban_rural, t.arrival_min, t.restore_h,
        case t.urban_rural
            when 'urban' then cast($arrival_urban_min as double)
            when 'rural' then cast($arrival_rural_min as double)
            else cast($arrival_remote_min as double)
        end as arrival_target_min,
        case t.urban_rural
            when 'urban' then cast($restore_urban_h as double)
            else cast($restore_rural_h as double)
        end as restore_target_h
    from agg_fault as t
    where coalesce(cast($date_to as date) < last_day(cast($date_to as date)), false)
      and t.day_on >= greatest(date_trunc('month', cast($date_to as date)),
                               coalesce(cast($date_from as date), date '0001-01-01'))
      and t.day_on <= cast($date_to as date)
      and not coalesce(cast($date_from as date) > date_trunc('month', cast($date_from as date))
          and date_trunc('month', cast($date_from as date))
              = date_trunc('month', cast($date_to as date)), false)
),

edge_agg as (
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
    from (select * from head_days union all select * from tail_days)
    group by all
),

final as (
    select
        month_on,
        urban_rural,
        sum(n_faults) as n_faults,
        sum(n_arrived) as n_arrived,
        sum(sum_arrival_min) as sum_arrival_min,
        sum(n_arrival_late) as n_arrival_late,
        sum(n_restored) as n_restored,
        sum(sum_restore_h) as sum_restore_h,
        sum(n_restore_late) as n_restore_late
    from (select * from full_months union all select * from edge_agg)
    group by all
)

select * from final
order by month_on, urban_rural
