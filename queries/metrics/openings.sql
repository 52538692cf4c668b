-- Months in which communities in scope got their first room: the opening markers on
-- every time axis. Grain: one row per month_on. Source: agg_community.
-- Params: $date_from, $date_to (months overlapping), $districts, $waves.
select distinct cast(date_trunc('month', first_opened_on) as date) as month_on
from agg_community as c
where first_opened_on is not null
  and ($date_from is null or first_opened_on >= date_trunc('month', cast($date_from as date)))
  and ($date_to is null or first_opened_on <= cast($date_to as date))
  and in_scope(c.district, c.wave, $districts, $waves)
order by month_on
