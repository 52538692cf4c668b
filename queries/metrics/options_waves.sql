-- Filter options: roll-out waves ('YYYYQn', then 'none'). Grain: one row per wave.
select wave, count(*) as n_communities
from agg_community
group by wave
order by wave = 'none', wave
