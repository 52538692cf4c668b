-- Communities to pick from on the profile page. Grain: one row per community.
-- Source: agg_community. Params: $districts, $waves.
select community_id, name, district, kind, wave
from agg_community as c
where true
      and ($districts is null or c.district = any($districts))
      and ($waves is null or c.wave = any($waves))
order by district, community_id
