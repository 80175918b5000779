libsaker_a_SOURCES +=
