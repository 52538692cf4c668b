-- Counter tickets per 1,000 households per month, served vs not-yet-served communities.
-- Grain: one row per (month_on, status); status 'served' from the calendar month of the
-- community's first room opening on, else 'not_yet' (never-served included).
-- Numerator: tickets naming a community (any outcome: each is a trip to the hall) and
-- served tickets (counter transactions); denominator: households of the communities in
-- that status that month (communities with households > 0 in scope).
-- Monthly metric: whole calendar months overlapping the date range.
-- Source: without a hall or service-type filter agg_community_ticket_cell (the panel
-- already summed by month, district, wave, status); else the macro community_ticket_panel
-- (queries/rollups/21_tickets.sql, which also builds that rollup). The parameters are
-- constants when DuckDB plans the query, so only the branch whose condition holds is read
-- (tests/metrics/test_rollup_paths.py checks the plans).
-- Params: $date_from, $date_to, $districts, $waves (community), $hall_ids,
-- $service_types (tickets).
with

from_panel as (
    select
        month_on,
        status,
        count(*) as n_communities,
        sum(households) as households,
        sum(n_tickets) as n_tickets,
        sum(n_served) as n_served
    from community_ticket_panel($date_from, $date_to, $districts, $waves, $hall_ids, $service_types)
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
