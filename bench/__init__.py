"""The bench, the load test and the scale dataset: not shipped (a folder beside tests/).

Enabled by its own settings only (`bench.settings`, which `make seed-scale`, `make bench`
and `make loadtest` use): the product's settings never install it.
"""
