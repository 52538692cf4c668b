-- Counter tickets per month, hall and service type over the filters.
-- Grain: one row per (month_on, hall_id, service_type). Whole calendar months inside the date range come from
-- agg_ticket_ht_month, the partial months at either end from agg_ticket_ht_day (head and
-- tail read apart, so each touches only its own days), so the result is exact for any
-- range of days.
-- (An edge month may therefore be partial.) Source: agg_ticket_ht_month, agg_ticket_ht_day, agg_hall.
-- The path without a wave filter (no wave column; the metric functions pick it).
-- Params: as ticket_totals.sql.
with

rows as (
    -- whole months
    select t.hall_id, t.service_type, t.month_on, t.n_tickets, t.n_served, t.n_no_show, t.n_cancelled,
        t.n_waited, t.sum_wait_s, t.max_wait_s, t.first_day_on, t.last_day_on
    from agg_ticket_ht_month as t
    where ($date_from is null or t.month_on >= cast($date_from as date))
      and ($date_to is null or last_day(t.month_on) <= cast($date_to as date))
    union all
    -- the partial month the range starts in ...
    select t.hall_id, t.service_type, cast(date_trunc('month', t.day_on) as date) as month_on,
        t.n_tickets, t.n_served, t.n_no_show, t.n_cancelled,
        t.n_waited, t.sum_wait_s, t.max_wait_s, t.day_on as first_day_on, t.day_on as last_day_on
    from agg_ticket_ht_day as t
    where coalesce(cast($date_from as date) > date_trunc('month', cast($date_from as date)), false)
      and t.day_on >= cast($date_from as date)
      and t.day_on <= least(last_day(cast($date_from as date)),
                            coalesce(cast($date_to as date), last_day(cast($date_from as date))))
    union all
    -- ... and the one it ends in (unless that is the same month)
    select t.hall_id, t.service_type, cast(date_trunc('month', t.day_on) as date) as month_on,
        t.n_tickets, t.n_served, t.n_no_show, t.n_cancelled,
        t.n_waited, t.sum_wait_s, t.max_wait_s, t.day_on as first_day_on, t.day_on as last_day_on
    from agg_ticket_ht_day as t
    where coalesce(cast($date_to as date) < last_day(cast($date_to as date)), false)
      and t.day_on >= greatest(date_trunc('month', cast($date_to as date)),
                               coalesce(cast($date_from as date), date '0001-01-01'))
      and t.day_on <= cast($date_to as date)
      and not coalesce(cast($date_from as date) > date_trunc('month', cast($date_from as date))
          and date_trunc('month', cast($date_from as date))
              = date_trunc('month', cast($date_to as date)), false)
),

filtered as (
    select r.*
    from rows as r
    where ($districts is null
           or r.hall_id in (select hall_id from agg_hall where list_contains($districts, district)))
      and ($hall_ids is null or list_contains($hall_ids, r.hall_id))
      and ($service_types is null or list_contains($service_types, r.service_type))
),

final as (
    select
        month_on,
        hall_id,
        service_type,
        sum(n_tickets) as n_tickets,
        sum(n_served) as n_served,
        sum(n_waited) as n_waited,
        sum(sum_wait_s) as sum_wait_s
    from filtered
    group by all
)

select * from final
order by month_on, hall_id, service_type
