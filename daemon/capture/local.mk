# Ring reader (kernel module), capture files, snapshots and replay: the daemon's
# event sources.  Kept out of libsaker.a, whose layers do no I/O.
noinst_LIBRARIES += libsakercapture.a
libsakercapture_a_SOURCES = \
	daemon/capture/ring-reader.c daemon/capture/ring-reader.h \
	daemon/capture/capture-file.c daemon/capture/capture-file.h \
	daemon/capture/snapshot.c daemon/capture/snapshot.h \
	daemon/capture/replay.c daemon/capture/replay.h
SAKER_CAPTURE_LIBS = libsakercapture.a
