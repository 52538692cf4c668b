"""Engines that compute the warehouse's rollups and effect panels besides DuckDB.

``port`` ports the DuckDB SQL of ``queries/`` to Spark SQL (macros expanded, sqlglot,
rewrite rules for what sqlglot transpiles wrongly); ``spark`` runs it on Apache Spark
over Parquet copies of the facts and loads the rollups back into the warehouse.
"""

__all__ = ["port", "spark"]
