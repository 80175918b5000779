# Alert outputs (queues, a thread per sink; stdout, file, program sinks) and
# the per-rule rate limiter.  Threads and child processes: kept out of
# libsaker.a, whose layers do no I/O; alert rendering stays there.
noinst_LIBRARIES += libsakerout.a
libsakerout_a_SOURCES = \
	daemon/output/outputs.c daemon/output/outputs.h \
	daemon/output/out-stdout.c \
	daemon/output/out-file.c \
	daemon/output/out-program.c \
	daemon/output/out-syslog.c daemon/output/out-syslog.h \
	daemon/output/ratelimit.c daemon/output/ratelimit.h
libsakerout_a_CFLAGS = $(AM_CFLAGS) -pthread
SAKER_OUT_LIBS = libsakerout.a -lpthread
