-- Counter tickets per 1,000 households per month, served vs not-yet-served communities.
-- Grain: one row per (month_on, status); status 'served' from the calendar month of the
-- community's first room opening on, else 'not_yet' (never-served included).
-- Numerator: tickets naming a community (any outcome: each is a trip to the hall) and
-- served tickets (counter transactions); denominator: households of the communities in
-- that status that month (communities with households > 0 in scope).
-- Monthly metric: whole calendar months overlapping the date range.
-- Source: without a hall or service-type filter agg_community_ticket_cell (the panel
-- already summed by month, district, wave, status); else agg_community_ticket_month and
-- agg_community. The parameters are constants when DuckDB plans the query, so only the
-- branch whose condition holds is read (tests/test_macros.py checks the plans).
-- Params: $date_from, $date_to, $districts, $waves (community), $hall_ids,
-- $service_types (tickets).
with

months as (
    select distinct month_on
    from agg_community_ticket_month
    where month_overlaps(month_on, $date_from, $date_to)
),

units as (
    select c.community_id, c.households, c.first_opened_on
    from agg_community as c
    where c.households > 0
      and in_scope(c.district, c.wave, $districts, $waves)
),

counts as (
    select community_id, month_on, sum(n_tickets) as n_tickets, sum(n_served) as n_served
    from agg_community_ticket_month
    where month_overlaps(month_on, $date_from, $date_to)
      and ($hall_ids is null or hall_id = any($hall_ids))
      and ($service_types is null or service_type = any($service_types))
    group by all
),

panel as (
    select
        m.month_on,
        case when u.first_opened_on is not null
              and date_trunc('month', u.first_opened_on) <= m.month_on
            then 'served' else 'not_yet' end as status,
        u.households,
        coalesce(k.n_tickets, 0) as n_tickets,
        coalesce(k.n_served, 0) as n_served
    from units as u
    cross join months as m
    left join counts as k on k.community_id = u.community_id and k.month_on = m.month_on
),

from_panel as (
    select
        month_on,
        status,
        count(*) as n_communities,
        sum(households) as households,
        sum(n_tickets) as n_tickets,
        sum(n_served) as n_served
    from panel
    group by all
),

from_cells as (
    select
        month_on,
        status,
        sum(n_communities) as n_communities,
        sum(households) as households,
        sum(n_tickets) as n_tickets,
        sum(n_served) as n_served
    from agg_community_ticket_cell as t
    where month_overlaps(t.month_on, $date_from, $date_to)
      and in_scope(t.district, t.wave, $districts, $waves)
    group by all
),

final as (
    select * from from_cells
    where $hall_ids is null and $service_types is null
    union all
    select * from from_panel
    where $hall_ids is not null or $service_types is not null
)

select * from final
order by month_on, status
