libsaker_a_SOURCES += \
	daemon/common/macro.h \
	daemon/common/strbuf.c daemon/common/strbuf.h \
	daemon/common/hashmap.c daemon/common/hashmap.h \
	daemon/common/fileio.c daemon/common/fileio.h
