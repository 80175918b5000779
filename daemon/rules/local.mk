libsaker_a_SOURCES += \
	daemon/rules/diag.c daemon/rules/diag.h \
	daemon/rules/srctext.c daemon/rules/srctext.h
