-- One community over time: counter tickets, 95598 orders, fault orders and room visits.
-- Grain: one row per month_on present in any source. Params: $community_id, $date_from,
-- $date_to (months overlapping). Sources: agg_community_ticket_month, agg_hotline_month,
-- agg_visit_day.
with

tickets as (
    select month_on, sum(n_tickets) as n_tickets
    from agg_community_ticket_month
    where community_id = $community_id
    group by all
),

orders as (
    select month_on,
        sum(n_orders) as n_hotline,
        sum(n_orders) filter (where category = 'fault_repair') as n_faults
    from agg_hotline_month
    where community_id = $community_id
    group by all
),

visits as (
    select cast(date_trunc('month', day_on) as date) as month_on, sum(n_visits) as n_visits
    from agg_visit_day
    where community_id = $community_id
    group by all
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
where ($date_from is null or month_on >= date_trunc('month', cast($date_from as date)))
      and ($date_to is null or month_on <= cast($date_to as date))
order by month_on
