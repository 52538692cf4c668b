-- Counter tickets per month, hall and service type over the filters.
-- Grain: one row per (month_on, hall_id, service_type). Rows come from the ticket_rows macro
-- (queries/macros/ticket_rows.sql: whole months from the month grain, the partial months
-- at either end from the day grain), so the result is exact for any range of days.
-- (An edge month may therefore be partial.) Source: agg_ticket_ht_month / agg_ticket_ht_day, or with a wave
-- filter agg_ticket_month / agg_ticket_day, and agg_hall, via the macro.
-- Params: as ticket_totals.sql.
with

filtered as (
    select * from ticket_rows($date_from, $date_to, $districts, $hall_ids, $waves, $service_types)
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
