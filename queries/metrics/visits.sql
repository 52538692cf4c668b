-- Service-room visits per month by service type, customer group and mode.
-- Grain: one row per (month_on, service_type, customer_group, mode). District and wave are
-- those of the visit's community. Whole calendar months inside the date range come from
-- agg_visit_month, the partial months at either end from agg_visit_day (head and
-- tail read apart, so each touches only its own days), so the result is exact for any
-- range of days.
-- Source: agg_visit_month, agg_visit_day, agg_community.
-- Params: $date_from, $date_to (exact days), $districts, $waves, $service_types.
-- (the hall filter does not apply: rooms do not belong to a hall.)
with

full_months as (
    select t.month_on, t.service_type, t.customer_group, t.mode, t.n_visits, t.n_resolved
    from agg_visit_month as t
    where ($date_from is null or t.month_on >= cast($date_from as date))
      and ($date_to is null or last_day(t.month_on) <= cast($date_to as date))
      and ($districts is null or t.district = any($districts))
      and ($waves is null or t.wave = any($waves))
      and ($service_types is null or t.service_type = any($service_types))
),

-- the partial month the range starts in ...
head_days as (
    select cast(date_trunc('month', t.day_on) as date) as month_on, t.service_type, t.customer_group,
        t.mode, t.n_visits, t.n_resolved
    from agg_visit_day as t
    left join agg_community as c using (community_id)
    where coalesce(cast($date_from as date) > date_trunc('month', cast($date_from as date)), false)
      and t.day_on >= cast($date_from as date)
      and t.day_on <= least(last_day(cast($date_from as date)),
                            coalesce(cast($date_to as date), last_day(cast($date_from as date))))
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
      and ($service_types is null or t.service_type = any($service_types))
),

-- ... and the one it ends in (unless head_days has it)
tail_days as (
    select cast(date_trunc('month', t.day_on) as date) as month_on, t.service_type, t.customer_group,
        t.mode, t.n_visits, t.n_resolved
    from agg_visit_day as t
    left join agg_community as c using (community_id)
    where coalesce(cast($date_to as date) < last_day(cast($date_to as date)), false)
      and t.day_on >= greatest(date_trunc('month', cast($date_to as date)),
                               coalesce(cast($date_from as date), date '0001-01-01'))
      and t.day_on <= cast($date_to as date)
      and not coalesce(cast($date_from as date) > date_trunc('month', cast($date_from as date))
          and date_trunc('month', cast($date_from as date))
              = date_trunc('month', cast($date_to as date)), false)
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
      and ($service_types is null or t.service_type = any($service_types))
),

final as (
    select
        month_on,
        service_type,
        customer_group,
        mode,
        sum(n_visits) as n_visits,
        sum(n_resolved) as n_resolved
    from (
        select * from full_months
        union all select * from head_days
        union all select * from tail_days
    )
    group by all
)

select * from final
order by month_on, service_type, customer_group, mode
