# sakerd's configuration (YAML + drop-ins + overrides, one schema table).
# The YAML tree (daemon/tool/ydom.c) is shared with the saker tool.
noinst_LIBRARIES += libsakerconfig.a
libsakerconfig_a_SOURCES = \
	daemon/config/config.c daemon/config/config.h \
	daemon/tool/ydom.c daemon/tool/ydom.h
SAKER_CONFIG_LIBS = libsakerconfig.a
