libsaker_a_SOURCES += \
	daemon/event/event-info.c daemon/event/event-info.h \
	daemon/event/decode.c daemon/event/decode.h
# Names of flag, enum, errno and signal values (evt.arg rendering, rawarg comparisons).
libsaker_a_SOURCES += \
	daemon/event/flags.c daemon/event/flags.h
# SOCKADDR/TUPLE payloads and the JSON-lines event format (reader, writer).
libsaker_a_SOURCES += \
	daemon/event/sockaddr.c daemon/event/sockaddr.h \
	daemon/event/fixture.c daemon/event/fixture.h daemon/event/fixture-internal.h \
	daemon/event/fixture-context.c daemon/event/fixture-write.c
