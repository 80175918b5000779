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
