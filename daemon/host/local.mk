# Host I/O for the daemon: /proc bootstrap, passwd/group, container runtime files.
# Kept out of libsaker.a, whose layers do no I/O.
noinst_LIBRARIES += libsakerhost.a
libsakerhost_a_SOURCES = \
	daemon/host/procscan.c daemon/host/procscan.h \
	daemon/host/hostfiles.c daemon/host/hostfiles.h \
	daemon/host/containerfs.c daemon/host/containerfs.h
SAKER_HOST_LIBS = libsakerhost.a
