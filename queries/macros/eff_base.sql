-- The parts every community-month effect panel (queries/effects/) shares.
--
-- eff_units(p_districts, p_waves): the communities a panel may use, with their households,
-- kind ('urban' / 'rural'; NULL when the export has none: the effect estimate compares
-- communities within kind) and first room opening (community_treatment; NULL = never served). The wave filter
-- picks which SERVED communities enter; never-served ones (wave 'none') always stay as
-- controls. Filters: NULL = all.
--
-- eff_months(p_from, p_to, p_data_first, p_data_last): the calendar months of the
-- window, one row each (month_on): p_from / p_to widened to whole months, an open end
-- taken from the panel's data (its first / last month); no row for an open end without data.
--
-- eff_counts(p_from, p_to, p_source, p_hall_ids, p_service_types, p_categories): the
-- effect cells summed per (community, month) over the months of the window (p_from /
-- p_to widened to whole months; NULL = open end). p_source 'tickets' reads
-- eff_ticket_cell: n = tickets of any outcome, n_waited = served tickets with a wait,
-- sum_wait_min = their waits (filters p_hall_ids, p_service_types); 'hotline' reads
-- eff_hotline_cell: n = orders (filter p_categories; n_waited, sum_wait_min NULL).
--
-- eff_rate_panel(p_from, p_to, p_districts, p_waves, p_source, p_hall_ids,
-- p_service_types, p_categories, p_per_households): the balanced community-month panel
-- of a count per households: every unit with households > 0 in every month of the window
-- (open ends from p_source's cells), n_obs = eff_counts' n (0 when none), y = n_obs *
-- p_per_households (NULL = 1000) / households. Columns: community_id, month_on,
-- first_opened_on, kind, n_obs, y.

create or replace macro eff_units(p_districts, p_waves) as table
select
    c.community_id,
    c.households,
    c.kind,
    t.first_opened_on
from communities as c
left join community_treatment as t using (community_id)
where (p_districts is null or list_contains(p_districts, c.district))
  and (p_waves is null or coalesce(t.wave, 'none') = 'none' or list_contains(p_waves, t.wave));

create or replace macro eff_months(p_from, p_to, p_data_first, p_data_last) as table
select cast(m as date) as month_on
from unnest(generate_series(
    cast(date_trunc('month', coalesce(cast(p_from as date), p_data_first)) as date),
    cast(date_trunc('month', coalesce(cast(p_to as date), p_data_last)) as date),
    interval 1 month)) as g(m)
where coalesce(cast(p_from as date), p_data_first) is not null
  and coalesce(cast(p_to as date), p_data_last) is not null;

create or replace macro eff_counts(p_from, p_to, p_source, p_hall_ids, p_service_types, p_categories) as table
select
    community_id,
    month_on,
    cast(sum(n_tickets) as bigint) as n,
    cast(sum(n_waited) as bigint) as n_waited,
    sum(sum_wait_min) as sum_wait_min
from eff_ticket_cell
where p_source = 'tickets'
  and month_overlaps(month_on, p_from, p_to)
  and (p_hall_ids is null or list_contains(p_hall_ids, hall_id))
  and (p_service_types is null or list_contains(p_service_types, service_type))
group by all
union all
select community_id, month_on, cast(sum(n_orders) as bigint) as n, null as n_waited, null as sum_wait_min
from eff_hotline_cell
where p_source = 'hotline'
  and month_overlaps(month_on, p_from, p_to)
  and (p_categories is null or list_contains(p_categories, category))
group by all;

create or replace macro eff_rate_panel(p_from, p_to, p_districts, p_waves, p_source,
                                       p_hall_ids, p_service_types, p_categories, p_per_households) as table
with

source_months as (
    select month_on from eff_ticket_cell where p_source = 'tickets'
    union all
    select month_on from eff_hotline_cell where p_source = 'hotline'
),

months as (
    select month_on
    from eff_months(p_from, p_to,
                    (select min(month_on) from source_months), (select max(month_on) from source_months))
),

units as (
    select community_id, households, kind, first_opened_on
    from eff_units(p_districts, p_waves)
    where households > 0
),

counts as (
    select community_id, month_on, n
    from eff_counts(p_from, p_to, p_source, p_hall_ids, p_service_types, p_categories)
)

select
    -- ids
    u.community_id,
    m.month_on,
    u.first_opened_on,
    -- attributes
    u.kind,
    -- numerics
    coalesce(k.n, 0) as n_obs,
    coalesce(k.n, 0) * coalesce(cast(p_per_households as double), 1000.0) / u.households as y
from units as u
cross join months as m
left join counts as k
    on k.community_id = u.community_id and k.month_on = m.month_on
order by u.community_id, m.month_on;
