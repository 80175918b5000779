# Ring reader (kernel module) and capture files: the daemon's event sources.
libsaker_a_SOURCES += \
	daemon/capture/ring-reader.c daemon/capture/ring-reader.h \
	daemon/capture/capture-file.c daemon/capture/capture-file.h
