"""Every limit the analyses work within, in one place.

Each figure bounds the time or the size of one part of `analyse()`, so that a huge or
hostile map costs a worker a few seconds at most. The analyses say in their results (and
`analyse()` in its `meta`) whenever one of these limits changed an answer.
"""

from __future__ import annotations

# Inputs past these are refused with `JourneyTooLarge` before any work is done.
MAX_TOUCHPOINTS = 20_000
# Observed transitions, or the edges implied by stage order (their count is a product).
MAX_EDGES = 100_000
# Stages and personas multiply in the per-persona analyses, so both are bounded too.
MAX_STAGES = 1_000
MAX_PERSONAS = 200
# Friction points, content, emotion points: each collection.
MAX_ROWS = 100_000
MAX_DURATION_ROWS = 100_000
MAX_OBSERVED_NAMES = 100_000

# Ranked lists (path variants, bottlenecks, hotspots, lows) hold at most this many items.
MAX_TOP_K = 50
# Finding lists (dead ends, unreachable steps, conformance findings) are cut here;
# their `count` still says how many there were.
LIST_LIMIT = 100

# Betweenness runs one Dijkstra per source, each costing about nodes + edges. Sources are
# sampled so that sources × (nodes + edges) stays under the budget: exact up to ~500
# touchpoints at 3 transitions each, 256 sources at 1,000, 25 at 10,000.
BETWEENNESS_WORK_BUDGET = 1_024_000
BETWEENNESS_MIN_SOURCES = 16
BETWEENNESS_SEED = 0

# Cycles: loops of up to this many touchpoints (a longer "loop" is a journey starting over);
# the search stops at either count.
CYCLE_LENGTH_BOUND = 6
MAX_CYCLES = 10_000
MAX_CYCLE_STEPS = 2_000_000

# Path variants: a best-first search over simple paths, stopped at either count.
MAX_PATH_NODES = 100
MAX_PATH_EXPANSIONS = 20_000

# Two path costs closer than this (in -log probability) are a tie, broken by the ids.
COST_TIE_DECIMALS = 9
