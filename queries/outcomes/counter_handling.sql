-- Counter handling time and appointment share, per service type.
--
-- Grain: one row per service_type with a ticket in the range; key service_type.
-- Columns
--   service_type
--   n_tickets        tickets of any outcome
--   n_handled        tickets with finished_at >= started_at
--   sum_handle_s     their handling time (finished_at - started_at), seconds
--   n_appointment    tickets taken by appointment (is_appointment; NULL counts as not)
-- Source: agg_ticket_day (queries/rollups/21_tickets.sql; exact for any range of days).
-- Params (NULL = all): $date_from, $date_to, $districts (the hall's district),
-- $hall_ids, $waves (of the ticket's community), $service_types.
with

cells as (
    select
        t.service_type,
        t.n_tickets,
        t.n_handled,
        t.sum_handle_s,
        t.n_appointment
    from agg_ticket_day as t
    left join agg_hall as h using (hall_id)
    where day_in_range(t.day_on, $date_from, $date_to)
      and ($districts is null or list_contains($districts, h.district))
      and ($hall_ids is null or list_contains($hall_ids, t.hall_id))
      and ($waves is null or list_contains($waves, t.wave))
      and ($service_types is null or list_contains($service_types, t.service_type))
),

final as (
    select
        service_type,
        cast(sum(n_tickets) as bigint) as n_tickets,
        cast(sum(n_handled) as bigint) as n_handled,
        sum(sum_handle_s) as sum_handle_s,
        cast(sum(n_appointment) as bigint) as n_appointment
    from cells
    group by all
)

select * from final
order by service_type
