# Benchmarks: each prints ratios against a baseline measured in the same run.
noinst_PROGRAMS += bench-rules
bench_rules_SOURCES = bench/rules/bench-rules.c
bench_rules_LDADD = $(SAKER_LIBS)
