# Unit tests (cmocka, one binary per module) and fuzz-corpus replays.
# Each module appends its program to UNIT_TESTS / FUZZ_REPLAYS, e.g.:
#   UNIT_TESTS += test-foo
#   test_foo_SOURCES = tests/unit/test-foo.c
#   test_foo_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
#   test_foo_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
# tests/run.sh runs them all and prints the total.
UNIT_TESTS =
FUZZ_REPLAYS =
FUZZ_TARGETS =
if ENABLE_TESTS
check_PROGRAMS += $(UNIT_TESTS) $(FUZZ_REPLAYS)
endif
if ENABLE_FUZZING
noinst_PROGRAMS += $(FUZZ_TARGETS)
endif

# tests/run.sh asks for the lists: make print-tests VAR=UNIT_TESTS
print-tests:
	@echo $($(VAR))
.PHONY: print-tests

# Rule-file loader (daemon/rules/loader*.c): unit test, fuzz target and its corpus replay.
UNIT_TESTS += test-loader
test_loader_SOURCES = tests/unit/test-loader.c
test_loader_CPPFLAGS = $(AM_CPPFLAGS) -DLOADER_TEST_DATA='"$(abs_top_srcdir)/tests/unit/data/loader"'
test_loader_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_loader_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
FUZZ_REPLAYS += fuzz-loader-replay
fuzz_loader_replay_SOURCES = tests/fuzz/fuzz-loader.c tests/fuzz/replay-main.c
fuzz_loader_replay_LDADD = $(SAKER_LIBS)
FUZZ_TARGETS += fuzz-loader
fuzz_loader_SOURCES = tests/fuzz/fuzz-loader.c
fuzz_loader_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
fuzz_loader_LDFLAGS = -fsanitize=fuzzer
fuzz_loader_LDADD = $(SAKER_LIBS)

# State tables and the event updater (daemon/state/).
UNIT_TESTS += test-state
test_state_SOURCES = tests/unit/test-state.c
test_state_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_state_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)

# Field table and flag names (daemon/rules/field*.c, daemon/event/flags.c).
UNIT_TESTS += test-flags test-fields
test_flags_SOURCES = tests/unit/test-flags.c
test_flags_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_flags_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
test_fields_SOURCES = tests/unit/test-fields.c tests/unit/test-fields-state.c \
	tests/unit/fieldtest.c tests/unit/fieldtest.h tests/unit/evbuild.c tests/unit/evbuild.h
test_fields_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_fields_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
UNIT_TESTS += test-container
test_container_SOURCES = tests/unit/test-container.c
test_container_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_container_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
# The JSON-lines event format (daemon/event/fixture*.c): unit test, fuzz target, corpus replay.
UNIT_TESTS += test-fixture
test_fixture_SOURCES = tests/unit/test-fixture.c
test_fixture_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_fixture_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
FUZZ_REPLAYS += fuzz-fixture-replay
fuzz_fixture_replay_SOURCES = tests/fuzz/fuzz-fixture.c tests/fuzz/replay-main.c
fuzz_fixture_replay_LDADD = $(SAKER_LIBS)
FUZZ_TARGETS += fuzz-fixture
fuzz_fixture_SOURCES = tests/fuzz/fuzz-fixture.c
fuzz_fixture_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
fuzz_fixture_LDFLAGS = -fsanitize=fuzzer
fuzz_fixture_LDADD = $(SAKER_LIBS)
# Conditions, outputs and the engine (daemon/rules/{lexer,parser,compile*,eval,format,engine}.c):
# unit tests and fuzz target run with the test field table (tests/unit/fake-fields.c) instead
# of the real one, so values are set directly; case triplets in tests/unit/data/expr.
EXPR_TEST_SUPPORT = tests/unit/fake-fields.c tests/unit/fake-fields.h \
	tests/unit/expr-testutil.c tests/unit/expr-testutil.h
UNIT_TESTS += test-expr test-format test-engine
test_expr_SOURCES = tests/unit/test-expr.c $(EXPR_TEST_SUPPORT)
test_expr_CPPFLAGS = $(AM_CPPFLAGS) -DEXPR_TEST_DATA='"$(abs_top_srcdir)/tests/unit/data/expr"'
test_expr_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_expr_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
test_format_SOURCES = tests/unit/test-format.c $(EXPR_TEST_SUPPORT)
test_format_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_format_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
test_engine_SOURCES = tests/unit/test-engine.c $(EXPR_TEST_SUPPORT)
test_engine_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_engine_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
FUZZ_REPLAYS += fuzz-expr-replay
fuzz_expr_replay_SOURCES = tests/fuzz/fuzz-expr.c tests/fuzz/replay-main.c $(EXPR_TEST_SUPPORT)
fuzz_expr_replay_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
fuzz_expr_replay_LDADD = $(SAKER_LIBS)
FUZZ_TARGETS += fuzz-expr
fuzz_expr_SOURCES = tests/fuzz/fuzz-expr.c $(EXPR_TEST_SUPPORT)
fuzz_expr_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
fuzz_expr_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
fuzz_expr_LDFLAGS = -fsanitize=fuzzer
fuzz_expr_LDADD = $(SAKER_LIBS)
# Host I/O (daemon/host/): /proc bootstrap over a fake tree, passwd/group, runtime files.
UNIT_TESTS += test-procscan
test_procscan_SOURCES = tests/unit/test-procscan.c
test_procscan_CPPFLAGS = $(AM_CPPFLAGS) -DPROCSCAN_TEST_DATA='"$(abs_top_srcdir)/tests/unit/data/proc"'
test_procscan_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_procscan_LDADD = $(SAKER_HOST_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
# Ring reader and capture files (daemon/capture/): unit tests, fuzz target, corpus replay.
UNIT_TESTS += test-ring-reader test-capture
test_ring_reader_SOURCES = tests/unit/test-ring-reader.c
test_ring_reader_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_ring_reader_LDADD = $(SAKER_CAPTURE_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
test_capture_SOURCES = tests/unit/test-capture.c tests/unit/evbuild.c tests/unit/evbuild.h
test_capture_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_capture_LDADD = $(SAKER_CAPTURE_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
FUZZ_REPLAYS += fuzz-capture-replay
fuzz_capture_replay_SOURCES = tests/fuzz/fuzz-capture.c tests/fuzz/replay-main.c
fuzz_capture_replay_LDADD = $(SAKER_CAPTURE_LIBS) $(SAKER_LIBS)
FUZZ_TARGETS += fuzz-capture
fuzz_capture_SOURCES = tests/fuzz/fuzz-capture.c
fuzz_capture_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
fuzz_capture_LDFLAGS = -fsanitize=fuzzer
fuzz_capture_LDADD = $(SAKER_CAPTURE_LIBS) $(SAKER_LIBS)
# sakerd's configuration (daemon/config/): files, drop-ins, overrides, docs/configuration.md.
UNIT_TESTS += test-config
test_config_SOURCES = tests/unit/test-config.c
test_config_CPPFLAGS = $(AM_CPPFLAGS) -DCONFIG_TEST_DATA='"$(abs_top_srcdir)/tests/unit/data/config"' \
	-DCONFIG_DOC='"$(abs_top_srcdir)/docs/configuration.md"'
test_config_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_config_LDADD = $(SAKER_CONFIG_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
# Alert outputs and the per-rule rate limiter (daemon/output/): queues, sinks, child processes.
UNIT_TESTS += test-outputs test-ratelimit
test_outputs_SOURCES = tests/unit/test-outputs.c
test_outputs_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
test_outputs_LDADD = $(SAKER_OUT_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
test_ratelimit_SOURCES = tests/unit/test-ratelimit.c
test_ratelimit_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_ratelimit_LDADD = $(SAKER_OUT_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
# The control socket (daemon/control/): server and client in one process, threads and children.
UNIT_TESTS += test-control
test_control_SOURCES = tests/unit/test-control.c
test_control_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
test_control_LDFLAGS = -pthread
test_control_LDADD = $(SAKER_CTL_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
# The resolver behind fd.sip.name (daemon/dns/): unit test with a fake DNS server, fuzz target
# over the answer parser and its corpus replay.
UNIT_TESTS += test-dns
test_dns_SOURCES = tests/unit/test-dns.c tests/unit/fieldtest.c tests/unit/fieldtest.h \
	tests/unit/evbuild.c tests/unit/evbuild.h
test_dns_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_dns_LDADD = $(SAKER_DNS_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
FUZZ_REPLAYS += fuzz-dns-replay
fuzz_dns_replay_SOURCES = tests/fuzz/fuzz-dns.c tests/fuzz/replay-main.c
fuzz_dns_replay_LDADD = $(SAKER_DNS_LIBS) $(SAKER_LIBS)
FUZZ_TARGETS += fuzz-dns
fuzz_dns_SOURCES = tests/fuzz/fuzz-dns.c
fuzz_dns_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
fuzz_dns_LDFLAGS = -fsanitize=fuzzer
fuzz_dns_LDADD = $(SAKER_DNS_LIBS) $(SAKER_LIBS)
# Capture snapshots and replay (daemon/capture/snapshot.c, replay.c): state round trips,
# field-by-field comparison through the real field table, mid-stream blocks, damage.
UNIT_TESTS += test-snapshot
test_snapshot_SOURCES = tests/unit/test-snapshot.c
test_snapshot_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_snapshot_LDADD = $(SAKER_CAPTURE_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
# The process table's string pool (daemon/state/strpool.c).
UNIT_TESTS += test-strpool
test_strpool_SOURCES = tests/unit/test-strpool.c
test_strpool_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_strpool_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
# Raw records through the decoder, the state update and rules (tests/fuzz/fuzz-events.c);
# the corpus holds records a guest kernel wrote.
FUZZ_REPLAYS += fuzz-events-replay
fuzz_events_replay_SOURCES = tests/fuzz/fuzz-events.c tests/fuzz/replay-main.c
fuzz_events_replay_LDADD = $(SAKER_LIBS)
FUZZ_TARGETS += fuzz-events
fuzz_events_SOURCES = tests/fuzz/fuzz-events.c
fuzz_events_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
fuzz_events_LDFLAGS = -fsanitize=fuzzer
fuzz_events_LDADD = $(SAKER_LIBS)
# The syslog output (daemon/output/out-syslog.c): renderings, framing and the sink against
# receivers in the test; tests/cli/test-syslog.sh sends through syslog-send into rsyslogd.
UNIT_TESTS += test-syslog
test_syslog_SOURCES = tests/unit/test-syslog.c
test_syslog_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
test_syslog_LDADD = $(SAKER_OUT_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
if ENABLE_TESTS
check_PROGRAMS += syslog-send
endif
syslog_send_SOURCES = tests/cli/syslog-send.c
syslog_send_CFLAGS = $(AM_CFLAGS) -pthread
syslog_send_LDADD = $(SAKER_OUT_LIBS) $(SAKER_LIBS)
# The journald output (daemon/output/out-journald.c): field names, MESSAGE_ID, the entry;
# journald-send drives the sink against a real journald in tests/cli/test-journald.sh.
UNIT_TESTS += test-journald
test_journald_SOURCES = tests/unit/test-journald.c
test_journald_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
test_journald_LDADD = $(SAKER_OUT_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
if ENABLE_TESTS
check_PROGRAMS += journald-send
endif
journald_send_SOURCES = tests/cli/journald-send.c
journald_send_CFLAGS = $(AM_CFLAGS) -pthread
journald_send_LDADD = $(SAKER_OUT_LIBS) $(SAKER_LIBS)
# The rsyslog output (daemon/output/out-rsyslog.c) against a socket the test reads, and
# imsaker's datagram parser (rsyslog-plugin/alert-parse.c, built without rsyslog): unit
# tests, fuzz target and corpus replay; rsyslog-send drives the sink into a real rsyslogd
# in tests/rsyslog/run.sh (tests/cli/test-rsyslog.sh).
UNIT_TESTS += test-out-rsyslog test-imsaker
test_out_rsyslog_SOURCES = tests/unit/test-out-rsyslog.c
test_out_rsyslog_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
test_out_rsyslog_LDADD = $(SAKER_OUT_LIBS) $(SAKER_LIBS) $(CMOCKA_LIBS)
test_imsaker_SOURCES = tests/unit/test-imsaker.c rsyslog-plugin/alert-parse.c \
	rsyslog-plugin/alert-parse.h
test_imsaker_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_imsaker_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
FUZZ_REPLAYS += fuzz-imsaker-replay
fuzz_imsaker_replay_SOURCES = tests/fuzz/fuzz-imsaker.c tests/fuzz/replay-main.c \
	rsyslog-plugin/alert-parse.c
fuzz_imsaker_replay_LDADD = $(SAKER_LIBS)
FUZZ_TARGETS += fuzz-imsaker
fuzz_imsaker_SOURCES = tests/fuzz/fuzz-imsaker.c rsyslog-plugin/alert-parse.c
fuzz_imsaker_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
fuzz_imsaker_LDFLAGS = -fsanitize=fuzzer
fuzz_imsaker_LDADD = $(SAKER_LIBS)
if ENABLE_TESTS
check_PROGRAMS += rsyslog-send
endif
rsyslog_send_SOURCES = tests/rsyslog/rsyslog-send.c
rsyslog_send_CFLAGS = $(AM_CFLAGS) -pthread
rsyslog_send_LDADD = $(SAKER_OUT_LIBS) $(SAKER_LIBS)
# StrBuf: JSON escaping (UTF-8 and other bytes) and the size cap (daemon/common/strbuf.c).
UNIT_TESTS += test-strbuf
test_strbuf_SOURCES = tests/unit/test-strbuf.c
test_strbuf_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
test_strbuf_LDADD = $(SAKER_LIBS) $(CMOCKA_LIBS)
