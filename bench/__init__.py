"""zonecut benchmarks: calls, time and memory for 10 to 1,000 delegations (`make bench`)."""
