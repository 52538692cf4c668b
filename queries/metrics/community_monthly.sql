-- One community over time: counter tickets, 95598 orders, fault orders and room visits.
-- Grain: one row per month_on present in any source. Params: $community_id, $date_from,
-- $date_to (months overlapping). Sources: agg_community_ticket_month_all,
-- agg_hotline_comm_month, agg_visit_comm_month (each sorted by community).
with

tickets as (
    select month_on, n_tickets
    from agg_community_ticket_month_all
    where community_id = $community_id
),

orders as (
    select month_on, n_orders as n_hotline, n_faults
    from agg_hotline_comm_month
    where community_id = $community_id
),

visits as (
    select month_on, n_visits
    from agg_visit_comm_month
    where community_id = $community_id
),

final as (
    select
        month_on,
        coalesce(t.n_tickets, 0) as n_tickets,
        coalesce(o.n_hotline, 0) as n_hotline,
        coalesce(o.n_faults, 0) as n_faults,
        coalesce(v.n_visits, 0) as n_visits
    from tickets as t
    full join orders as o using (month_on)
    full join visits as v using (month_on)
)

select * from final
where month_overlaps(month_on, $date_from, $date_to)
order by month_on
