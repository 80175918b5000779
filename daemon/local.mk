# The tool, saker (sakerd, the daemon, is in daemon/sakerd/local.mk).
libsaker_a_SOURCES += \
	daemon/output/alert.c daemon/output/alert.h \
	daemon/rules/detector.c daemon/rules/detector.h

bin_PROGRAMS += saker
saker_SOURCES = \
	daemon/saker.c \
	daemon/tool/tool.h \
	daemon/tool/cmd-capture.c \
	daemon/tool/cmd-catalog.c \
	daemon/tool/cmd-cut.c \
	daemon/tool/cmd-doc.c \
	daemon/tool/cmd-reload.c \
	daemon/tool/cmd-fields.c \
	daemon/tool/cmd-replay.c \
	daemon/tool/cmd-stats.c \
	daemon/tool/cmd-test.c \
	daemon/tool/cmd-validate.c \
	daemon/tool/events.c daemon/tool/events.h \
	daemon/tool/options.c daemon/tool/options.h \
	daemon/tool/rulefiles.c \
	daemon/tool/ydom.c daemon/tool/ydom.h
saker_LDADD = $(SAKER_OUT_LIBS) $(SAKER_CTL_LIBS) $(SAKER_CAPTURE_LIBS) $(SAKER_LIBS)
