libsaker_a_SOURCES += \
	daemon/event/event-info.c daemon/event/event-info.h \
	daemon/event/decode.c daemon/event/decode.h
