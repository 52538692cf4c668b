-- Communities to pick from on the profile page. Grain: one row per community.
-- Source: agg_community. Params: $districts, $waves.
select community_id, name, district, kind, wave
from agg_community as c
where true
      and in_scope(c.district, c.wave, $districts, $waves)
order by district, community_id
