# sakerd, the daemon: its main and event loop on top of every library.
sbin_PROGRAMS += sakerd
sakerd_SOURCES = \
	daemon/sakerd.c \
	daemon/sakerd/daemon.c daemon/sakerd/daemon.h \
	daemon/sakerd/log.c daemon/sakerd/log.h \
	daemon/sakerd/privs.c \
	daemon/sakerd/recording.c \
	daemon/sakerd/setup.c \
	daemon/sakerd/stats.c \
	daemon/tool/rulefiles.c daemon/tool/tool.h
sakerd_CFLAGS = $(AM_CFLAGS) -pthread
sakerd_LDFLAGS = -pthread
sakerd_LDADD = $(SAKER_OUT_LIBS) $(SAKER_DNS_LIBS) $(SAKER_CTL_LIBS) $(SAKER_CAPTURE_LIBS) \
	$(SAKER_HOST_LIBS) $(SAKER_CONFIG_LIBS) $(SAKER_LIBS)

# The systemd unit, with this build's paths.
systemdsystemunit_DATA = saker.service
saker.service: $(top_srcdir)/daemon/sakerd/saker.service.in Makefile
	$(AM_V_GEN)sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@docdir[@]|$(docdir)|g' $< >$@
CLEANFILES += saker.service
EXTRA_DIST += daemon/sakerd/saker.service.in
