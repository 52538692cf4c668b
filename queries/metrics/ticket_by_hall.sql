-- Counter tickets per business hall over the filters (the waiting page's per-hall table).
-- Grain: one row per hall; key hall_id (with the first and last day with a ticket).
-- Rows come from the ticket_rows macro
-- (queries/macros/ticket_rows.sql: whole months from the month grain, the partial months
-- at either end from the day grain), so the result is exact for any range of days.
-- Source: agg_ticket_ht_month / agg_ticket_ht_day, or with a wave
-- filter agg_ticket_month / agg_ticket_day, and agg_hall, via the macro.
-- Params: as ticket_totals.sql.
with

filtered as (
    select * from ticket_rows($date_from, $date_to, $districts, $hall_ids, $waves, $service_types)
),

final as (
    select
        f.hall_id,
        any_value(h.name) as hall_name,
        any_value(h.district) as district,
        sum(f.n_tickets) as n_tickets,
        sum(f.n_served) as n_served,
        sum(f.n_no_show) as n_no_show,
        sum(f.n_cancelled) as n_cancelled,
        sum(f.n_waited) as n_waited,
        sum(f.sum_wait_s) as sum_wait_s,
        max(f.max_wait_s) as max_wait_s,
        min(f.first_day_on) as first_day_on,
        max(f.last_day_on) as last_day_on
    from filtered as f
    left join agg_hall as h using (hall_id)
    group by f.hall_id
)

select * from final
order by hall_id
