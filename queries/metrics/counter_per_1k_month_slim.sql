-- Counter tickets per 1,000 households per month, served vs not-yet-served communities,
-- for views without a hall or service-type filter (the metric functions pick this path;
-- same output as counter_per_1k_month.sql).
-- Grain: one row per (month_on, status); status 'served' from the calendar month of the
-- community's first room opening on, else 'not_yet' (never-served included).
-- Numerator: tickets naming a community (any outcome) and served tickets; denominator:
-- households of the communities in that status that month (households > 0 in scope).
-- Monthly metric: whole calendar months overlapping the date range.
-- Source: agg_community_ticket_cell (the panel already summed by month, district, wave,
-- status). Params: $date_from, $date_to, $districts, $waves.
select
    month_on,
    status,
    sum(n_communities) as n_communities,
    sum(households) as households,
    sum(n_tickets) as n_tickets,
    sum(n_served) as n_served
from agg_community_ticket_cell as t
where ($date_from is null or t.month_on >= date_trunc('month', cast($date_from as date)))
  and ($date_to is null or t.month_on <= cast($date_to as date))
  and ($districts is null or t.district = any($districts))
  and ($waves is null or t.wave = any($waves))
group by all
order by month_on, status
