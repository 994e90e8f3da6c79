"""Journey analysis: critical paths, drop-off, bottlenecks, loops and more, from a map
document. `report.analyse(document)` runs them all; docs/analysis.md defines each one.

The analysis modules (`document`, `graph`, `paths`, `flow`, `cycles`, `design`,
`durations`, `report`, `results`, `bounds`) take plain data and return plain data: they
import neither Django nor the database layer.
"""
