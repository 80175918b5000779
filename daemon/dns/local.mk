# The resolver behind fd.sip.name and its siblings: DNS messages and the
# resolver thread.  Kept out of libsaker.a, whose layers do no I/O.
noinst_LIBRARIES += libsakerdns.a
libsakerdns_a_SOURCES = \
	daemon/dns/dns.c daemon/dns/dns.h \
	daemon/dns/dns-packet.c daemon/dns/dns-packet.h
SAKER_DNS_LIBS = libsakerdns.a
