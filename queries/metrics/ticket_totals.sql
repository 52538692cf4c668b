-- Counter-ticket totals over the filters: tickets issued, served, no-shows, cancellations,
-- and the exact wait sum / max over served tickets (wait = called_at - issued_at).
-- Grain: one row per service type (sum them for the total; the Overview also reads the
-- offloadable types' transactions from the same rows). Rows come from the ticket_rows macro
-- (queries/macros/ticket_rows.sql: whole months from the month grain, the partial months
-- at either end from the day grain), so the result is exact for any range of days.
-- Source: agg_ticket_ht_month / agg_ticket_ht_day, or with a wave filter agg_ticket_month /
-- agg_ticket_day (rollups/21_tickets.sql), and agg_hall, via the macro.
-- Params: $date_from, $date_to (inclusive days), $districts (hall district), $hall_ids,
-- $waves (ticket's community wave), $service_types; NULL = all.
with

filtered as (
    select * from ticket_rows($date_from, $date_to, $districts, $hall_ids, $waves, $service_types)
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
