-- network_nodes: the stored street-network nodes, in node_id order (dense 0..n-1).
-- Grain: one row per node; key node_id.
select node_id, lon, lat, x, y
from network_nodes
order by node_id
