/* SPDX-License-Identifier: MIT */
/*
 * The resolver behind fd.sip.name and its siblings: a thread that looks up
 * the domain names the loaded rules mention (A and AAAA, over UDP with a
 * TCP retry for truncated answers), refreshes each when its TTL runs out,
 * and keeps an address -> names index the rule engine reads through the
 * field hook.  The kernel only sees addresses; this is how a rule naming a
 * domain can match a connection.  docs/domains.md explains the limits.
 */
#ifndef SAKER_DNS_H
#define SAKER_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/macro.h"

/* Most names watched at once (each costs two queries per TTL). */
#define DNS_MAX_WATCHED 4096
/* Name servers used, as the C library (MAXNS). */
#define DNS_MAX_SERVERS 3

typedef struct DnsOptions {
	/* NULL: "/etc/resolv.conf" (nameserver lines, options timeout: and attempts:) */
	const char *resolv_conf;
	/* "IP", "IP:PORT" or "[IPv6]:PORT" used instead of resolv.conf's servers; NULL: none */
	const char *server;
	uint32_t min_ttl_s; /* record TTLs are clamped to [min_ttl_s, max_ttl_s]; 0: 30 */
	uint32_t max_ttl_s; /* 0: 3600 */
	uint32_t timeout_ms; /* per query attempt; 0: resolv.conf's timeout:, else 2000 */
} DnsOptions;

typedef struct DnsStats {
	uint64_t queries; /* messages sent (UDP datagrams and TCP queries) */
	uint64_t answers; /* answers accepted (NOERROR or NXDOMAIN) */
	uint64_t failures; /* lookups that failed on every server and attempt */
	uint64_t timeouts; /* attempts that got no answer in time */
	size_t names; /* names watched */
	size_t addresses; /* distinct addresses that currently name a watched name */
} DnsStats;

typedef struct DnsResolver DnsResolver;

/*
 * Read the configuration and start the resolver thread (all signals
 * blocked in it).  opts NULL: defaults.  -EINVAL for a bad opts->server,
 * -ENOMEM, or the error of creating the thread.  An unreadable resolv.conf
 * or one without name servers means 127.0.0.1, as in the C library.
 */
int dns_resolver_new(const DnsOptions *opts, DnsResolver **ret);
/* Stop the thread and free everything; uninstalls the hook if installed.  NULL is fine. */
DnsResolver *dns_resolver_free(DnsResolver *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(DnsResolver *, dns_resolver_free);

/*
 * Replace the set of names to resolve (engine_dns_names() gives it): new
 * names are looked up at once, names no longer in the set are forgotten
 * with their addresses, the others keep theirs.  Case and one trailing dot
 * do not matter.  Returns at once: 0, -EINVAL when a name is not a host
 * name (nothing changes), -E2BIG over DNS_MAX_WATCHED names (nothing
 * changes: pass the first DNS_MAX_WATCHED to watch those), -ENOMEM.
 */
int dns_resolver_watch(DnsResolver *r, const char *const *names, size_t n);

/*
 * Become the hook of fd.cip.name, fd.sip.name, fd.lip.name and fd.rip.name
 * (field_set_dns_names).  Install before events are evaluated; the lookup
 * is thread-safe against the resolver thread.
 */
void dns_resolver_install(DnsResolver *r);

/*
 * Wait until every watched name had its first answer or failure for both
 * address types.  0, or -ETIMEDOUT.
 */
int dns_resolver_wait_ready(DnsResolver *r, unsigned timeout_ms);

void dns_resolver_stats(DnsResolver *r, DnsStats *ret);

/*
 * The names an address belongs to, as the field hook sees them, into
 * ret[0..max) (pointers valid until ret_buf is reused: names are copied
 * into ret_buf, bufsize bytes).  Returns how many names the address has
 * (possibly more than were stored).  For tests and diagnostics.
 */
size_t dns_resolver_names_of(DnsResolver *r, int family, const void *addr, const char **ret,
			     size_t max, char *ret_buf, size_t bufsize);

/* ---- configuration helpers, exposed for tests ---- */

typedef struct DnsServer {
	struct sockaddr_storage addr;
	socklen_t len;
} DnsServer;

typedef struct DnsResolvConf {
	DnsServer servers[DNS_MAX_SERVERS];
	size_t nservers;
	unsigned timeout_s; /* options timeout:N, 0 when not given */
	unsigned attempts; /* options attempts:N, 0 when not given */
} DnsResolvConf;

/* Longest resolv.conf read. */
#define DNS_RESOLV_CONF_MAX (64u * 1024u)

/*
 * Parse resolv.conf text: "nameserver ADDR" lines (IPv4 or IPv6, port 53,
 * the first DNS_MAX_SERVERS), "options timeout:N attempts:N".  Other lines
 * and malformed ones are ignored.  Returns 0.
 */
int dns_resolv_conf_parse(const char *text, size_t len, DnsResolvConf *ret);

/* Parse "IP", "IP:PORT", "IPv6" or "[IPv6]:PORT" (port 53 when absent): 0 or -EINVAL. */
int dns_server_parse(const char *s, DnsServer *ret);

#endif /* SAKER_DNS_H */
