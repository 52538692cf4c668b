-- Filter options: districts of communities and halls. Grain: one row per district.
select district from agg_community where district is not null
union
select district from agg_hall where district is not null
order by district
