-- Counter-ticket totals over the filters: tickets issued, served, no-shows, cancellations,
-- and the exact wait sum / max over served tickets (wait = called_at - issued_at).
-- Grain: one row. Source: agg_ticket_day (rollups/21_tickets.sql), agg_hall.
-- Params: $date_from, $date_to (inclusive days), $districts (hall district), $hall_ids,
-- $waves (ticket's community wave), $service_types; NULL = all.
with

filtered as (
    select t.*
    from agg_ticket_day as t
    left join agg_hall as h using (hall_id)
    where ($date_from is null or t.day_on >= cast($date_from as date))
  and ($date_to is null or t.day_on <= cast($date_to as date))
  and ($districts is null or h.district = any($districts))
  and ($hall_ids is null or t.hall_id = any($hall_ids))
  and ($waves is null or t.wave = any($waves))
  and ($service_types is null or t.service_type = any($service_types))
),

final as (
    select
        coalesce(sum(n_tickets), 0) as n_tickets,
        coalesce(sum(n_served), 0) as n_served,
        coalesce(sum(n_no_show), 0) as n_no_show,
        coalesce(sum(n_cancelled), 0) as n_cancelled,
        coalesce(sum(n_waited), 0) as n_waited,
        coalesce(sum(sum_wait_s), 0) as sum_wait_s,
        max(max_wait_s) as max_wait_s,
        min(day_on) as first_day_on,
        max(day_on) as last_day_on
    from filtered
)

select * from final
