"""Walking coverage of the service rooms (五分钟服务圈) and room planning.

Modules
-------
network
    Street network import (OSM PBF / XML, GeoJSON, GeoPackage, Shapefile) and loading.
engine
    Demand points, snapping, multi-source bounded Dijkstra, coverage per community.
planner
    Greedy maximum coverage with an exact MILP check, what-if add / move / close.
schedule
    Open-day schedule of the rooms and the printable notice board (公示牌).
bench
    Timings reported by ``servicecircle bench`` (``coverage_ms``, ``plan_ms``).
"""
