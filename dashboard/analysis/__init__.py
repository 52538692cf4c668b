"""Analysis layer: metrics, effect estimates. Reads the warehouse through named queries."""
