-- Counter-ticket totals over the filters: tickets issued, served, no-shows, cancellations,
-- and the exact wait sum / max over served tickets (wait = called_at - issued_at).
-- Grain: one row per service type (sum them for the total; the Overview also reads the
-- offloadable types' transactions from the same rows). Whole calendar months inside the date range come from
-- agg_ticket_month, the partial months at either end from agg_ticket_day (head and
-- tail read apart, so each touches only its own days), so the result is exact for any
-- range of days.
-- Source: agg_ticket_month, agg_ticket_day (rollups/21_tickets.sql), agg_hall.
-- The metric functions read the *_slim variant when no wave filter is set.
-- Params: $date_from, $date_to (inclusive days), $districts (hall district), $hall_ids,
-- $waves (ticket's community wave), $service_types; NULL = all.
with

rows as (
    -- whole months
    select t.hall_id, t.service_type, t.month_on, t.n_tickets, t.n_served, t.n_no_show, t.n_cancelled,
        t.n_waited, t.sum_wait_s, t.max_wait_s, t.first_day_on, t.last_day_on, t.wave
    from agg_ticket_month as t
    where ($date_from is null or t.month_on >= cast($date_from as date))
      and ($date_to is null or last_day(t.month_on) <= cast($date_to as date))
    union all
    -- the partial month the range starts in ...
    select t.hall_id, t.service_type, cast(date_trunc('month', t.day_on) as date) as month_on,
        t.n_tickets, t.n_served, t.n_no_show, t.n_cancelled,
        t.n_waited, t.sum_wait_s, t.max_wait_s, t.day_on as first_day_on, t.day_on as last_day_on, t.wave
    from agg_ticket_day as t
    where coalesce(cast($date_from as date) > date_trunc('month', cast($date_from as date)), false)
      and t.day_on >= cast($date_from as date)
      and t.day_on <= least(last_day(cast($date_from as date)),
                            coalesce(cast($date_to as date), last_day(cast($date_from as date))))
    union all
    -- ... and the one it ends in (unless that is the same month)
    select t.hall_id, t.service_type, cast(date_trunc('month', t.day_on) as date) as month_on,
        t.n_tickets, t.n_served, t.n_no_show, t.n_cancelled,
        t.n_waited, t.sum_wait_s, t.max_wait_s, t.day_on as first_day_on, t.day_on as last_day_on, t.wave
    from agg_ticket_day as t
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
      and ($waves is null or list_contains($waves, r.wave))
),

final as (
    select
        service_type,
        coalesce(sum(n_tickets), 0) as n_tickets,
        coalesce(sum(n_served), 0) as n_served,
        coalesce(sum(n_no_show), 0) as n_no_show,
        coalesce(sum(n_cancelled), 0) as n_cancelled,
        coalesce(sum(n_waited), 0) as n_waited,
        coalesce(sum(sum_wait_s), 0) as sum_wait_s,
        max(max_wait_s) as max_wait_s,
        min(first_day_on) as first_day_on,
        max(last_day_on) as last_day_on
    from filtered
    group by service_type
)

select * from final
order by service_type
