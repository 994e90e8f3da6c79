"""Real event logs behind a journey map.

An import reads a CSV of `case_id,touchpoint,timestamp[,persona,channel]` rows, keeps every
event (the evidence, and the source of durations and conformance), computes the
directly-follows counts and step durations in the database, and writes the counts into the
map's transitions through `apply_ops`, so every open board updates live.
"""
