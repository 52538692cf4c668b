-- First room opening among the communities in scope (the Overview's baseline is the year
-- before it). Grain: one row. Source: agg_community. Params: $districts, $waves.
select min(first_opened_on) as first_opened_on, max(first_opened_on) as last_opened_on
from agg_community as c
where true
      and in_scope(c.district, c.wave, $districts, $waves)
