-- network_meta: facts about the stored network (proj string, counts, islands dropped).
-- Grain: one row per key.
select key, value
from network_meta
order by key
