-- Service-room visits per month by service type, customer group and mode.
-- Grain: one row per (month_on, service_type, customer_group, mode). District and wave are
-- those of the visit's community. Whole calendar months inside the date range come from
-- agg_visit_month, the partial months at either end from agg_visit_day (head and
-- tail read apart, so each touches only its own days), so the result is exact for any
-- range of days.
-- Source: agg_visit_month, agg_visit_day.
-- Params: $date_from, $date_to (exact days), $districts, $waves, $service_types.
-- (the hall filter does not apply: rooms do not belong to a hall.)
with

rows as (
    -- whole months
    select t.month_on, t.district, t.wave, t.service_type, t.customer_group, t.mode, t.n_visits,
        t.n_resolved
    from agg_visit_month as t
    where month_in_range(t.month_on, $date_from, $date_to)
    union all
    -- the partial months at either end
    select cast(date_trunc('month', t.day_on) as date) as month_on, t.district, t.wave,
        t.service_type, t.customer_group, t.mode, t.n_visits, t.n_resolved
    from edge_days('agg_visit_day', $date_from, $date_to) as t
),

final as (
    select
        month_on,
        service_type,
        customer_group,
        mode,
        sum(n_visits) as n_visits,
        sum(n_resolved) as n_resolved
    from rows as r
    where ($districts is null or list_contains($districts, r.district))
      and ($waves is null or list_contains($waves, r.wave))
      and ($service_types is null or list_contains($service_types, r.service_type))
    group by all
)

select * from final
order by month_on, service_type, customer_group, mode
