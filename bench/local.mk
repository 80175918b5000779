# Benchmarks: each prints ratios against a baseline measured in the same run.
noinst_PROGRAMS += bench-rules
bench_rules_SOURCES = bench/rules/bench-rules.c
bench_rules_LDADD = $(SAKER_LIBS)
# Process-table load test: memory for N tracked processes (bench/state/state-rss.c).
noinst_PROGRAMS += state-rss
state_rss_SOURCES = bench/state/state-rss.c daemon/tool/rulefiles.c
state_rss_LDADD = $(SAKER_HOST_LIBS) $(SAKER_LIBS)
# Output sinks: alerts/s of each sink through its queue, against the file sink.
noinst_PROGRAMS += bench-outputs
bench_outputs_SOURCES = bench/outputs/bench-outputs.c
bench_outputs_CFLAGS = $(AM_CFLAGS) -pthread
bench_outputs_LDADD = $(SAKER_OUT_LIBS) $(SAKER_LIBS)
