# sakerd's control socket (daemon/control/): the server in the daemon's event loop and the
# client used by `saker stats` and `saker capture`.
noinst_LIBRARIES += libsakerctl.a
libsakerctl_a_SOURCES = \
	daemon/control/control.c daemon/control/control.h \
	daemon/control/control-client.c
SAKER_CTL_LIBS = libsakerctl.a
