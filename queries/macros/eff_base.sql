-- The parts every community-month effect panel (queries/effects/) shares.
--
-- eff_units(p_districts, p_waves): the communities a panel may use, with their households
-- and first room opening (community_treatment; NULL = never served). The wave filter
-- picks which SERVED communities enter; never-served ones (wave 'none') always stay as
-- controls. Filters: NULL = all.
--
-- eff_months(p_from, p_to, p_data_first, p_data_last): the calendar months of the
-- window, one row each (month_on): p_from / p_to widened to whole months, an open end
-- taken from the panel's data (its first / last month); no row for an open end without data.

create or replace macro eff_units(p_districts, p_waves) as table
select
    c.community_id,
    c.households,
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
