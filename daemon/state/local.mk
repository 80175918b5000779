libsaker_a_SOURCES +=
# Process, fd, container and user tables and the event updater.
libsaker_a_SOURCES += \
	daemon/state/state.c daemon/state/state.h \
	daemon/state/strpool.c daemon/state/strpool.h \
	daemon/state/userdb.c \
	daemon/state/container.c daemon/state/container.h \
	daemon/state/update.c daemon/state/update.h
