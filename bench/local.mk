# Benchmarks: each prints ratios against a baseline measured in the same run.
noinst_PROGRAMS += bench-rules
bench_rules_SOURCES = bench/rules/bench-rules.c
bench_rules_LDADD = $(SAKER_LIBS)
# Process-table load test: memory for N tracked processes (bench/state/state-rss.c).
noinst_PROGRAMS += state-rss
state_rss_SOURCES = bench/state/state-rss.c daemon/tool/rulefiles.c
state_rss_LDADD = $(SAKER_HOST_LIBS) $(SAKER_LIBS)
