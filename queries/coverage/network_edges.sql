-- network_edges: the stored street pieces, in edge_id order (dense 0..m-1).
-- Grain: one row per edge; key edge_id. geometry_wkb is a WGS-84 LineString.
select edge_id, u, v, length_m, highway, geometry_wkb
from network_edges
order by edge_id
