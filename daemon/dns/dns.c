// SPDX-License-Identifier: MIT
/*
 * The resolver thread and its address index.  See dns.h.
 *
 * One thread owns the watched names and the queries in flight; it blocks
 * in poll() on a wake-up eventfd and the query sockets, with the nearest
 * deadline (a query timeout, a TTL, an address to forget) as timeout.
 * Each query tries the servers in turn, attempts times (as the C library),
 * on a fresh socket with a random source port and id; the socket is
 * connected, so the kernel drops datagrams from other addresses, and an
 * answer must repeat our id and question.  A truncated answer is asked
 * again over TCP from the same server.
 *
 * Lifetimes of addresses (times on CLOCK_BOOTTIME, so suspend counts):
 *  - an answer's addresses are current for its TTL clamped to
 *    [min_ttl, max_ttl]; then the name is asked again;
 *  - when that fails they stay until TTL + DNS_STALE_GRACE_MS, while the
 *    lookup is retried with exponential backoff (1 s doubling up to
 *    DNS_BACKOFF_MAX_MS);
 *  - an address a fresh answer no longer contains is retired: it still
 *    names the host for DNS_RETIRED_KEEP_MS, for connections made just
 *    before a rotation and programs that cache answers themselves.
 *
 * The event thread reads the index under a mutex.  A lookup is one hash
 * probe and a copy of a few names; the resolver thread takes the mutex only
 * to move one name's addresses in the index (a few hash operations), so
 * neither side waits long.  An immutable snapshot swapped with an atomic
 * pointer would spare the event thread the lock but needs a full rebuild per
 * change and a reclamation scheme; the uncontended mutex costs tens of
 * nanoseconds and is only taken by events whose rules read these fields.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/hashmap.h"
#include "dns/dns-packet.h"
#include "dns/dns.h"
#include "rules/field-ext.h"

#define DNS_DEFAULT_MIN_TTL_S 30
#define DNS_DEFAULT_MAX_TTL_S 3600
#define DNS_DEFAULT_TIMEOUT_MS 2000
#define DNS_DEFAULT_ATTEMPTS 2
/* resolv.conf's timeout: and attempts: are capped as the C library caps them. */
#define DNS_MAX_TIMEOUT_S 30
#define DNS_MAX_ATTEMPTS 5
/* Queries in flight at once (one socket each). */
#define DNS_MAX_INFLIGHT 32
/* Addresses outlive their TTL by this while refreshing them fails. */
#define DNS_STALE_GRACE_MS (300u * 1000u)
/* An address dropped from a name's answer still names it this long. */
#define DNS_RETIRED_KEEP_MS (600u * 1000u)
/* Retired addresses kept per name; the oldest goes first. */
#define DNS_MAX_RETIRED 64
/* Retry delays after failures: 1 s, doubling up to this. */
#define DNS_BACKOFF_MAX_MS (300u * 1000u)
/* How often resolv.conf is checked for changes. */
#define DNS_RESOLV_CHECK_MS (30u * 1000u)
/* Source ports tried before leaving the choice to the kernel. */
#define DNS_PORT_TRIES 8
/* A UDP answer read: larger than DNS_UDP_MAX for servers that ignore the limit. */
#define DNS_UDP_RECV_MAX 4096

enum { RR_A, RR_AAAA, _RR_MAX };

static const uint16_t rr_qtype[_RR_MAX] = { DNS_TYPE_A, DNS_TYPE_AAAA };

typedef struct RRSet {
	DnsAddr *addrs; /* the last good answer */
	size_t n;
	uint64_t refresh_at; /* ask again at */
	uint64_t valid_until; /* forget addrs at, without a fresh answer */
	unsigned failures; /* in a row */
	bool inflight;
	bool done; /* had its first answer or failure */
} RRSet;

typedef struct Retired {
	DnsAddr addr;
	uint64_t until;
} Retired;

/* A watched name: owned by the resolver thread; name is read by lookups under the lock. */
typedef struct Entry {
	char *name;
	size_t len;
	RRSet rr[_RR_MAX];
	Retired *retired;
	size_t nretired;
} Entry;

/* The names of one address in the index, sorted. */
typedef struct IndexNode {
	Entry **v;
	size_t n, cap;
} IndexNode;

enum { Q_FREE, Q_UDP, Q_TCP_CONNECT, Q_TCP_SEND, Q_TCP_RECV };

typedef struct Query {
	int state;
	char name[DNS_NAME_BUFSZ];
	int rr; /* RR_A or RR_AAAA */
	uint16_t id;
	unsigned tries; /* sends made: server tries % nservers */
	DnsServer server;
	int fd;
	uint64_t deadline;
	uint8_t msg[2 + DNS_QUERY_MAX]; /* TCP length prefix, then the query */
	size_t msglen, sent;
	uint8_t *tcpbuf; /* 2 + DNS_TCP_MAX bytes while on TCP */
	size_t tcplen;
} Query;

typedef struct ConfStamp {
	bool present;
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_ns;
} ConfStamp;

struct DnsResolver {
	/* settings (thread-owned after start, except what new() fills before it) */
	char *resolv_conf;
	bool fixed_server;
	DnsServer servers[DNS_MAX_SERVERS];
	size_t nservers;
	unsigned attempts;
	uint64_t min_ttl_ms, max_ttl_ms, timeout_ms;
	bool timeout_given;
	ConfStamp resolv_stamp;
	uint64_t resolv_checked;

	/* thread-owned */
	StrMap *entries; /* name -> Entry* */
	Query queries[DNS_MAX_INFLIGHT];
	size_t ninflight;
	size_t nundone; /* address types of watched names without a first result */

	pthread_t thread;
	bool started;
	int wake_fd;
	bool installed;

	/* shared, under lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	StrMap *index; /* address key -> IndexNode* */
	char **pending; /* a watch() the thread has not applied yet */
	size_t npending;
	bool has_pending;
	bool stop;
	bool ready;
	DnsStats stats;
};

/* ---- small helpers ---- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int random_bytes(void *p, size_t n)
{
	uint8_t *b = p;

	while (n) {
		ssize_t k = getrandom(b, n, 0);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

static size_t addr_key(const DnsAddr *a, uint8_t key[17])
{
	size_t n = a->family == 6 ? 16 : 4;

	key[0] = a->family;
	memcpy(key + 1, a->addr, n);
	return n + 1;
}

static bool addr_eq(const DnsAddr *a, const DnsAddr *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

static bool addr_in(const DnsAddr *a, const DnsAddr *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (addr_eq(a, &v[i]))
			return true;
	return false;
}

static void strv_free_n(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void wake(DnsResolver *r)
{
	uint64_t one = 1;

	/* a full counter already wakes the thread */
	(void)!write(r->wake_fd, &one, sizeof(one));
}

static void stat_add(DnsResolver *r, uint64_t *counter)
{
	pthread_mutex_lock(&r->lock);
	(*counter)++;
	pthread_mutex_unlock(&r->lock);
}

/* ---- configuration ---- */

/* ip: an IPv4 or IPv6 address, the latter with an optional %scope. */
static int sockaddr_from(const char *ip, uint16_t port, DnsServer *ret)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ret->addr;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ret->addr;
	char buf[INET6_ADDRSTRLEN + 1];
	const char *pct = strchr(ip, '%');
	size_t len = pct ? (size_t)(pct - ip) : strlen(ip);

	memset(ret, 0, sizeof(*ret));
	if (!pct && inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		ret->len = sizeof(*s4);
		return 0;
	}
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, ip, len);
	buf[len] = 0;
	if (inet_pton(AF_INET6, buf, &s6->sin6_addr) != 1)
		return -EINVAL;
	if (pct) {
		/* a link-local server names its interface: fe80::1%eth0 or %2 */
		char *end;
		unsigned long idx = strtoul(pct + 1, &end, 10);

		if (end == pct + 1 || *end)
			idx = if_nametoindex(pct + 1);
		if (idx == 0 || idx > UINT32_MAX)
			return -EINVAL;
		s6->sin6_scope_id = (uint32_t)idx;
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	ret->len = sizeof(*s6);
	return 0;
}

int dns_server_parse(const char *s, DnsServer *ret)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *start = s, *port_s = NULL, *colon;
	unsigned long port = 53;
	size_t hlen;

	if (!s)
		return -EINVAL;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end)
			return -EINVAL;
		start = s + 1;
		hlen = (size_t)(end - start);
		if (end[1] == ':')
			port_s = end + 2;
		else if (end[1])
			return -EINVAL;
	} else if ((colon = strchr(s, ':')) && !strchr(colon + 1, ':')) {
		hlen = (size_t)(colon - s); /* IPv4:PORT */
		port_s = colon + 1;
	} else {
		hlen = strlen(s); /* IPv4, or IPv6 without a port */
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, start, hlen);
	host[hlen] = 0;
	if (port_s) {
		char *end;

		if (*port_s < '0' || *port_s > '9')
			return -EINVAL;
		errno = 0;
		port = strtoul(port_s, &end, 10);
		if (errno || *end || port == 0 || port > 65535)
			return -EINVAL;
	}
	return sockaddr_from(host, (uint16_t)port, ret);
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(w, s, n) == 0;
}

/* The value of "key:N" in w[0..n), clamped to [1, max]; 0 when w is not that. */
static unsigned option_value(const char *w, size_t n, const char *key, unsigned max)
{
	size_t k = strlen(key), i;
	unsigned long v = 0;

	if (n <= k || memcmp(w, key, k) != 0)
		return 0;
	for (i = k; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return 0;
		v = MIN(v * 10 + (unsigned long)(w[i] - '0'), (unsigned long)max);
	}
	return v ? (unsigned)v : 1;
}

int dns_resolv_conf_parse(const char *text, size_t len, DnsResolvConf *ret)
{
	size_t i = 0;

	memset(ret, 0, sizeof(*ret));
	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i, p = 0, nw = 0;
		const char *words[2] = { NULL, NULL };
		size_t wlen[2] = { 0, 0 };

		i += n + (nl ? 1 : 0);
		while (p < n) {
			size_t start;

			while (p < n && (line[p] == ' ' || line[p] == '\t' || line[p] == '\r'))
				p++;
			if (p >= n || line[p] == '#' || line[p] == ';')
				break;
			start = p;
			while (p < n && line[p] != ' ' && line[p] != '\t' && line[p] != '\r')
				p++;
			if (nw < 2) {
				words[nw] = line + start;
				wlen[nw] = p - start;
			}
			nw++;
			if (nw >= 2 && words[0] && word_is(words[0], wlen[0], "options")) {
				unsigned v;

				v = option_value(line + start, p - start, "timeout:", DNS_MAX_TIMEOUT_S);
				if (v)
					ret->timeout_s = v;
				v = option_value(line + start, p - start, "attempts:", DNS_MAX_ATTEMPTS);
				if (v)
					ret->attempts = v;
			}
		}
		if (nw >= 2 && word_is(words[0], wlen[0], "nameserver") &&
		    ret->nservers < DNS_MAX_SERVERS) {
			char ip[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];

			if (wlen[1] < sizeof(ip)) {
				memcpy(ip, words[1], wlen[1]);
				ip[wlen[1]] = 0;
				if (sockaddr_from(ip, 53, &ret->servers[ret->nservers]) == 0)
					ret->nservers++;
			}
		}
	}
	return 0;
}

/* Read resolv.conf when it changed (always when force): servers, timeout, attempts. */
static int load_resolv_conf(DnsResolver *r, bool force)
{
	_cleanup_free_ char *text = NULL;
	ConfStamp st = { 0 };
	DnsResolvConf conf;
	struct stat sb;
	size_t len = 0;
	int k;

	if (stat(r->resolv_conf, &sb) == 0) {
		st.present = true;
		st.dev = sb.st_dev;
		st.ino = sb.st_ino;
		st.size = sb.st_size;
		st.mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	}
	if (!force && st.present == r->resolv_stamp.present && st.dev == r->resolv_stamp.dev &&
	    st.ino == r->resolv_stamp.ino && st.size == r->resolv_stamp.size &&
	    st.mtime_ns == r->resolv_stamp.mtime_ns)
		return 0;
	r->resolv_stamp = st;
	/* a file over the limit is read up to it (1); missing or unreadable: defaults */
	k = st.present ? read_full_file(r->resolv_conf, DNS_RESOLV_CONF_MAX, &text, &len) : -ENOENT;
	if (k == -ENOMEM)
		return k;
	dns_resolv_conf_parse(k >= 0 ? text : "", k >= 0 ? len : 0, &conf);
	if (conf.nservers == 0) {
		(void)sockaddr_from("127.0.0.1", 53, &conf.servers[0]);
		conf.nservers = 1;
	}
	memcpy(r->servers, conf.servers, sizeof(r->servers));
	r->nservers = conf.nservers;
	r->attempts = conf.attempts ? conf.attempts : DNS_DEFAULT_ATTEMPTS;
	if (!r->timeout_given)
		r->timeout_ms = conf.timeout_s ? conf.timeout_s * 1000ull : DNS_DEFAULT_TIMEOUT_MS;
	return 1;
}

/* ---- the address index (under r->lock) ---- */

static int index_add(DnsResolver *r, const DnsAddr *a, Entry *e)
{
	uint8_t key[17];
	size_t klen = addr_key(a, key), i;
	IndexNode *node;
	void *v;
	int k;

	if (strmap_get(r->index, (const char *)key, klen, &v)) {
		node = v;
	} else {
		node = new0(IndexNode, 1);
		if (!node)
			return -ENOMEM;
		k = strmap_put(r->index, (const char *)key, klen, node);
		if (k < 0) {
			free(node);
			return k;
		}
	}
	/* sorted by name, each entry once */
	for (i = 0; i < node->n; i++) {
		int c = strcmp(node->v[i]->name, e->name);

		if (c == 0)
			return 0;
		if (c > 0)
			break;
	}
	if (node->n == node->cap) {
		size_t nc = node->cap ? node->cap * 2 : 2;
		Entry **nv = reallocarray(node->v, nc, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		node->v = nv;
		node->cap = nc;
	}
	memmove(node->v + i + 1, node->v + i, (node->n - i) * sizeof(*node->v));
	node->v[i] = e;
	node->n++;
	return 0;
}

static void index_del(DnsResolver *r, const DnsAddr *a, Entry *e)
{
	uint8_t key[17];
	size_t klen = addr_key(a, key), i;
	IndexNode *node;
	void *v;

	if (!strmap_get(r->index, (const char *)key, klen, &v))
		return;
	node = v;
	for (i = 0; i < node->n; i++)
		if (node->v[i] == e)
			break;
	if (i == node->n)
		return;
	memmove(node->v + i, node->v + i + 1, (node->n - i - 1) * sizeof(*node->v));
	if (--node->n == 0) {
		strmap_remove(r->index, (const char *)key, klen, NULL);
		free(node->v);
		free(node);
	}
}

static void entry_unindex(DnsResolver *r, Entry *e)
{
	size_t k, i;

	for (k = 0; k < _RR_MAX; k++)
		for (i = 0; i < e->rr[k].n; i++)
			index_del(r, &e->rr[k].addrs[i], e);
	for (i = 0; i < e->nretired; i++)
		index_del(r, &e->retired[i].addr, e);
}

/* On failure (out of memory) the entry is indexed under some of its addresses. */
static int entry_index(DnsResolver *r, Entry *e)
{
	size_t k, i;
	int ret = 0, q;

	for (k = 0; k < _RR_MAX; k++)
		for (i = 0; i < e->rr[k].n; i++)
			if ((q = index_add(r, &e->rr[k].addrs[i], e)) < 0)
				ret = q;
	for (i = 0; i < e->nretired; i++)
		if ((q = index_add(r, &e->retired[i].addr, e)) < 0)
			ret = q;
	return ret;
}

/* ---- watched names (resolver thread) ---- */

static Entry *entry_new(const char *name)
{
	Entry *e = new0(Entry, 1);

	if (!e)
		return NULL;
	e->name = strdup(name);
	if (!e->name) {
		free(e);
		return NULL;
	}
	e->len = strlen(name);
	return e;
}

static void entry_free(Entry *e)
{
	size_t k;

	if (!e)
		return;
	for (k = 0; k < _RR_MAX; k++)
		free(e->rr[k].addrs);
	free(e->retired);
	free(e->name);
	free(e);
}

static int cmp_retired_until(const void *a, const void *b)
{
	const Retired *x = a, *y = b;

	return (x->until < y->until) - (x->until > y->until); /* latest first */
}

/*
 * Make addrs[0..n) the addresses of e's type k.  With retire, addresses
 * that disappear are retired; addresses that come back leave the retired.
 */
static int entry_set(DnsResolver *r, Entry *e, int k, const DnsAddr *addrs, size_t n,
		     uint64_t now, bool retire)
{
	RRSet *rr = &e->rr[k];
	_cleanup_free_ DnsAddr *na = NULL;
	_cleanup_free_ Retired *nr = NULL;
	size_t i, nn = 0;
	int q;

	/* the usual refresh: the same addresses, nothing to move */
	for (i = 0; n == rr->n && i < n && addr_in(&addrs[i], rr->addrs, rr->n); i++)
		;
	if (n == rr->n && i == n)
		return 0;
	if (n) {
		na = newa(DnsAddr, n);
		if (!na)
			return -ENOMEM;
		memcpy(na, addrs, n * sizeof(*na));
	}
	nr = newa(Retired, e->nretired + rr->n);
	if (!nr)
		return -ENOMEM;
	for (i = 0; i < e->nretired; i++)
		if (!addr_in(&e->retired[i].addr, addrs, n))
			nr[nn++] = e->retired[i];
	for (i = 0; retire && i < rr->n; i++)
		if (!addr_in(&rr->addrs[i], addrs, n))
			nr[nn++] = (Retired){ .addr = rr->addrs[i], .until = now + DNS_RETIRED_KEEP_MS };
	if (nn > DNS_MAX_RETIRED) {
		qsort(nr, nn, sizeof(*nr), cmp_retired_until);
		nn = DNS_MAX_RETIRED;
	}

	pthread_mutex_lock(&r->lock);
	entry_unindex(r, e);
	free(rr->addrs);
	rr->addrs = TAKE_PTR(na);
	rr->n = n;
	free(e->retired);
	e->retired = nn ? TAKE_PTR(nr) : NULL;
	e->nretired = nn;
	q = entry_index(r, e);
	pthread_mutex_unlock(&r->lock);
	return q;
}

/* Forget retired addresses whose time is up; *next: the earliest still kept. */
static void entry_prune(DnsResolver *r, Entry *e, uint64_t now, uint64_t *next)
{
	size_t i, o = 0;
	bool locked = false;

	for (i = 0; i < e->nretired; i++) {
		if (e->retired[i].until > now) {
			*next = MIN(*next, e->retired[i].until);
			e->retired[o++] = e->retired[i];
			continue;
		}
		if (!locked) {
			pthread_mutex_lock(&r->lock);
			locked = true;
		}
		index_del(r, &e->retired[i].addr, e);
	}
	e->nretired = o;
	if (locked)
		pthread_mutex_unlock(&r->lock);
}

static void update_ready(DnsResolver *r)
{
	pthread_mutex_lock(&r->lock);
	r->ready = !r->has_pending && r->nundone == 0;
	if (r->ready)
		pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void rr_done(DnsResolver *r, RRSet *rr)
{
	if (rr->done)
		return;
	rr->done = true;
	r->nundone--;
	if (r->nundone == 0)
		update_ready(r);
}

static void rr_success(DnsResolver *r, Entry *e, int k, const DnsAnswer *a, uint64_t now)
{
	RRSet *rr = &e->rr[k];
	uint64_t ttl = a->ttl == UINT32_MAX ? r->min_ttl_ms : (uint64_t)a->ttl * 1000u;

	ttl = MIN(MAX(ttl, r->min_ttl_ms), r->max_ttl_ms);
	if (entry_set(r, e, k, a->addrs, a->naddrs, now, true) < 0) {
		/* out of memory: keep what there was and try again soon */
		rr->refresh_at = now + 1000u;
	} else {
		rr->refresh_at = now + ttl;
		rr->valid_until = now + ttl + DNS_STALE_GRACE_MS;
	}
	rr->failures = 0;
	rr_done(r, rr);
}

static void rr_failure(DnsResolver *r, Entry *e, int k, uint64_t now)
{
	RRSet *rr = &e->rr[k];
	uint64_t delay = 1000u;

	rr->failures++;
	delay <<= MIN(rr->failures - 1, 20u);
	rr->refresh_at = now + MIN(delay, (uint64_t)DNS_BACKOFF_MAX_MS);
	/* the last good addresses stay until rr->valid_until */
	rr_done(r, rr);
}

/* ---- queries (resolver thread) ---- */

static Entry *entry_of(DnsResolver *r, const Query *q)
{
	void *v;

	return strmap_get(r->entries, q->name, strlen(q->name), &v) ? v : NULL;
}

static void query_close(Query *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

static void query_end(DnsResolver *r, Query *q)
{
	Entry *e = entry_of(r, q);

	if (e)
		e->rr[q->rr].inflight = false;
	query_close(q);
	free(q->tcpbuf);
	q->tcpbuf = NULL;
	q->state = Q_FREE;
	r->ninflight--;
}

static void query_fail(DnsResolver *r, Query *q, uint64_t now)
{
	Entry *e = entry_of(r, q);

	stat_add(r, &r->stats.failures);
	if (e)
		rr_failure(r, e, q->rr, now);
	query_end(r, q);
}

static void query_ok(DnsResolver *r, Query *q, const DnsAnswer *a, uint64_t now)
{
	Entry *e = entry_of(r, q);

	stat_add(r, &r->stats.answers);
	if (e)
		rr_success(r, e, q->rr, a, now);
	query_end(r, q);
}

static void bind_random_port(int fd, int family)
{
	unsigned i;

	for (i = 0; i < DNS_PORT_TRIES; i++) {
		struct sockaddr_storage ss = { 0 };
		uint16_t port;
		socklen_t len;

		if (random_bytes(&port, sizeof(port)) < 0)
			return;
		port = (uint16_t)(1024u + port % (65536u - 1024u));
		if (family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons(port);
			len = sizeof(*s4);
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(port);
			len = sizeof(*s6);
		}
		if (bind(fd, (struct sockaddr *)&ss, len) == 0)
			return;
		if (errno != EADDRINUSE && errno != EACCES)
			return;
	}
	/* left to the kernel, whose ephemeral ports are random too */
}

/* A fresh id and the query bytes (with the TCP length prefix in front). */
static int query_build(Query *q)
{
	int len;

	if (random_bytes(&q->id, sizeof(q->id)) < 0)
		return -EIO;
	len = dns_packet_query(q->id, q->name, rr_qtype[q->rr], q->msg + 2, sizeof(q->msg) - 2);
	if (len < 0)
		return len;
	q->msg[0] = (uint8_t)(len >> 8);
	q->msg[1] = (uint8_t)len;
	q->msglen = (size_t)len;
	return 0;
}

static int query_send_udp(DnsResolver *r, Query *q, uint64_t now)
{
	int fd, k;

	q->server = r->servers[q->tries % r->nservers];
	q->tries++;
	k = query_build(q);
	if (k < 0)
		return k;
	fd = socket(q->server.addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	q->fd = fd;
	bind_random_port(fd, q->server.addr.ss_family);
	/* connected: the kernel drops datagrams from any other address */
	if (connect(fd, (struct sockaddr *)&q->server.addr, q->server.len) < 0 ||
	    send(fd, q->msg + 2, q->msglen, 0) < 0) {
		k = -errno;
		query_close(q);
		return k;
	}
	q->state = Q_UDP;
	q->deadline = now + r->timeout_ms;
	stat_add(r, &r->stats.queries);
	return 0;
}

/* The next server or attempt, or the end of the lookup. */
static void query_next(DnsResolver *r, Query *q, uint64_t now)
{
	query_close(q);
	free(q->tcpbuf);
	q->tcpbuf = NULL;
	while (q->tries < r->attempts * r->nservers)
		if (query_send_udp(r, q, now) == 0)
			return;
	query_fail(r, q, now);
}

static void query_begin(DnsResolver *r, Entry *e, int k, uint64_t now)
{
	Query *q = NULL;
	size_t i;

	for (i = 0; i < DNS_MAX_INFLIGHT && !q; i++)
		if (r->queries[i].state == Q_FREE)
			q = &r->queries[i];
	if (!q)
		return;
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	memcpy(q->name, e->name, e->len + 1);
	q->rr = k;
	q->state = Q_UDP;
	e->rr[k].inflight = true;
	r->ninflight++;
	query_next(r, q, now);
}

/* The same question to the same server over TCP (RFC 1035 4.2.2). */
static int query_start_tcp(DnsResolver *r, Query *q, uint64_t now)
{
	int fd, k;

	query_close(q);
	k = query_build(q);
	if (k < 0)
		return k;
	if (!q->tcpbuf) {
		q->tcpbuf = malloc(2 + DNS_TCP_MAX);
		if (!q->tcpbuf)
			return -ENOMEM;
	}
	q->tcplen = 0;
	q->sent = 0;
	fd = socket(q->server.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	q->fd = fd;
	if (connect(fd, (struct sockaddr *)&q->server.addr, q->server.len) < 0 &&
	    errno != EINPROGRESS) {
		k = -errno;
		query_close(q);
		return k;
	}
	q->state = Q_TCP_CONNECT;
	q->deadline = now + r->timeout_ms;
	stat_add(r, &r->stats.queries);
	return 0;
}

static void query_answer(DnsResolver *r, Query *q, const DnsAnswer *a, uint64_t now)
{
	if (a->truncated && q->state == Q_UDP) {
		if (query_start_tcp(r, q, now) < 0)
			query_next(r, q, now);
		return;
	}
	if (!a->truncated && (a->rcode == DNS_RCODE_NOERROR || a->rcode == DNS_RCODE_NXDOMAIN)) {
		query_ok(r, q, a, now);
		return;
	}
	/* SERVFAIL, REFUSED, FORMERR ...: ask the next server */
	query_next(r, q, now);
}

static bool from_server(const struct sockaddr_storage *from, socklen_t len, const DnsServer *s)
{
	if (from->ss_family != s->addr.ss_family)
		return false;
	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)from, *b = (const void *)&s->addr;

		return len >= sizeof(*a) && a->sin_port == b->sin_port &&
		       a->sin_addr.s_addr == b->sin_addr.s_addr;
	}
	if (from->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)from, *b = (const void *)&s->addr;

		return len >= sizeof(*a) && a->sin6_port == b->sin6_port &&
		       memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr)) == 0;
	}
	return false;
}

static void query_udp_readable(DnsResolver *r, Query *q, uint64_t now)
{
	uint8_t buf[DNS_UDP_RECV_MAX];
	DnsAnswer a;

	for (;;) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(q->fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from,
				     &flen);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				query_next(r, q, now); /* ICMP: port unreachable ... */
			return;
		}
		if (!from_server(&from, flen, &q->server))
			continue;
		if ((size_t)n > sizeof(buf)) {
			/* larger than we read: ask over TCP */
			if (query_start_tcp(r, q, now) < 0)
				query_next(r, q, now);
			return;
		}
		/* not the answer to our question (or garbage): keep waiting */
		if (dns_packet_parse(buf, (size_t)n, q->id, q->name, rr_qtype[q->rr], &a) < 0)
			continue;
		query_answer(r, q, &a, now);
		return;
	}
}

static void query_tcp_io(DnsResolver *r, Query *q, short revents, uint64_t now)
{
	DnsAnswer a;
	ssize_t n;

	if (q->state == Q_TCP_CONNECT) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(q->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
			query_next(r, q, now);
			return;
		}
		q->state = Q_TCP_SEND;
	}
	if (q->state == Q_TCP_SEND) {
		n = send(q->fd, q->msg + q->sent, q->msglen + 2 - q->sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				query_next(r, q, now);
			return;
		}
		q->sent += (size_t)n;
		if (q->sent == q->msglen + 2)
			q->state = Q_TCP_RECV;
		return;
	}
	if (q->state != Q_TCP_RECV || !(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	for (;;) {
		/* the 2-byte length first, then as many bytes as it says */
		size_t want = q->tcplen < 2 ? 2 : 2 + ((size_t)q->tcpbuf[0] << 8 | q->tcpbuf[1]);

		if (q->tcplen >= 2 && want == 2) {
			query_next(r, q, now); /* an empty message */
			return;
		}
		if (q->tcplen == want)
			break;
		n = recv(q->fd, q->tcpbuf + q->tcplen, want - q->tcplen, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			query_next(r, q, now); /* closed early, reset */
			return;
		}
		q->tcplen += (size_t)n;
	}
	if (dns_packet_parse(q->tcpbuf + 2, q->tcplen - 2, q->id, q->name, rr_qtype[q->rr], &a) < 0) {
		query_next(r, q, now);
		return;
	}
	query_answer(r, q, &a, now);
}

/* ---- the thread ---- */

/*
 * Take the set watch() left: keep entries of names still watched, add the
 * new ones (due at once), drop the others with their queries and index
 * entries.  On out of memory nothing changes and the set stays pending.
 */
static int apply_pending(DnsResolver *r)
{
	_cleanup_(strmap_freep) StrMap *m = strmap_new();
	const char *key;
	char **names;
	size_t n, i, it, klen;
	void *v;
	int k = 0;

	/* take the set: a watch() meanwhile leaves a newer one, it never frees this */
	pthread_mutex_lock(&r->lock);
	names = TAKE_PTR(r->pending);
	n = r->npending;
	r->npending = 0;
	pthread_mutex_unlock(&r->lock);
	for (i = 0; m && i < n && k >= 0; i++) {
		size_t len = strlen(names[i]);
		bool existing;
		Entry *e;

		v = NULL;
		existing = strmap_get(r->entries, names[i], len, &v);
		e = v;

		if (strmap_get(m, names[i], len, NULL))
			continue;
		if (!existing) {
			e = entry_new(names[i]);
			if (!e) {
				k = -ENOMEM;
				break;
			}
		}
		k = strmap_put(m, names[i], len, e);
		if (k < 0 && !existing)
			entry_free(e);
	}
	if (!m || k < 0) {
		/* undo: free the entries that are new, keep the set pending */
		for (it = 0; strmap_next(m, &it, &key, &klen, &v);)
			if (!strmap_get(r->entries, key, klen, NULL))
				entry_free(v);
		pthread_mutex_lock(&r->lock);
		if (!r->pending) {
			r->pending = TAKE_PTR(names);
			r->npending = n;
		}
		pthread_mutex_unlock(&r->lock);
		strv_free_n(names, n);
		return -ENOMEM;
	}
	/* the old entries not watched any more */
	for (it = 0; strmap_next(r->entries, &it, &key, &klen, &v);) {
		Entry *e = v;

		if (strmap_get(m, key, klen, NULL))
			continue;
		for (i = 0; i < DNS_MAX_INFLIGHT; i++) {
			Query *q = &r->queries[i];

			if (q->state != Q_FREE && strcmp(q->name, e->name) == 0)
				query_end(r, q);
		}
		for (i = 0; i < _RR_MAX; i++)
			if (!e->rr[i].done)
				r->nundone--;
		pthread_mutex_lock(&r->lock);
		entry_unindex(r, e);
		pthread_mutex_unlock(&r->lock);
		entry_free(e);
	}
	/* the new ones */
	for (it = 0; strmap_next(m, &it, &key, &klen, &v);)
		if (!strmap_get(r->entries, key, klen, NULL))
			r->nundone += _RR_MAX;
	strmap_free(r->entries);
	r->entries = TAKE_PTR(m);
	strv_free_n(names, n);

	pthread_mutex_lock(&r->lock);
	r->has_pending = r->pending != NULL; /* a newer watch() came meanwhile */
	r->stats.names = strmap_size(r->entries);
	r->ready = !r->has_pending && r->nundone == 0;
	if (r->ready)
		pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/*
 * Per name: drop addresses past their grace time and retired ones past
 * theirs, start the lookups that are due while query slots are free.
 * *next: the earliest time something is due.  A linear walk: with at most
 * DNS_MAX_WATCHED names it costs microseconds, and runs once per wake-up.
 */
static void scan_entries(DnsResolver *r, uint64_t now, uint64_t *next)
{
	size_t it = 0, klen;
	const char *key;
	void *v;
	int k;

	while (strmap_next(r->entries, &it, &key, &klen, &v)) {
		Entry *e = v;

		for (k = 0; k < _RR_MAX; k++) {
			RRSet *rr = &e->rr[k];

			if (rr->n && now >= rr->valid_until)
				(void)entry_set(r, e, k, NULL, 0, now, false);
			if (rr->n)
				*next = MIN(*next, rr->valid_until);
			if (rr->inflight)
				continue;
			if (now < rr->refresh_at)
				*next = MIN(*next, rr->refresh_at);
			else if (r->ninflight < DNS_MAX_INFLIGHT)
				query_begin(r, e, k, now);
			/* else it waits for a query to end, which wakes the loop */
		}
		entry_prune(r, e, now, next);
	}
}

static void query_io(DnsResolver *r, Query *q, short revents, uint64_t now)
{
	if (q->state == Q_UDP)
		query_udp_readable(r, q, now);
	else
		query_tcp_io(r, q, revents, now);
}

static void *resolver_thread(void *arg)
{
	DnsResolver *r = arg;
	struct pollfd pfd[1 + DNS_MAX_INFLIGHT];
	Query *owner[1 + DNS_MAX_INFLIGHT];

	for (;;) {
		uint64_t now = now_ms(), next = UINT64_MAX;
		bool stop, pending, timed_out = false;
		size_t i, np = 1;
		int timeout;

		pthread_mutex_lock(&r->lock);
		stop = r->stop;
		pending = r->has_pending && r->pending;
		pthread_mutex_unlock(&r->lock);
		if (stop)
			break;
		if (pending && apply_pending(r) < 0)
			next = now + 1000u; /* out of memory: try again in a second */
		if (!r->fixed_server) {
			if (now - r->resolv_checked >= DNS_RESOLV_CHECK_MS) {
				r->resolv_checked = now;
				(void)load_resolv_conf(r, false);
			}
			next = MIN(next, r->resolv_checked + DNS_RESOLV_CHECK_MS);
		}
		scan_entries(r, now, &next);

		pfd[0] = (struct pollfd){ .fd = r->wake_fd, .events = POLLIN };
		owner[0] = NULL;
		for (i = 0; i < DNS_MAX_INFLIGHT; i++) {
			Query *q = &r->queries[i];

			if (q->state == Q_FREE)
				continue;
			if (now >= q->deadline) {
				stat_add(r, &r->stats.timeouts);
				timed_out = true;
				query_next(r, q, now);
				if (q->state == Q_FREE)
					continue;
			}
			next = MIN(next, q->deadline);
			pfd[np].fd = q->fd;
			pfd[np].events = q->state == Q_UDP || q->state == Q_TCP_RECV ? POLLIN : POLLOUT;
			pfd[np].revents = 0;
			owner[np++] = q;
		}
		/*
		 * A lookup that failed for good just now was given a retry time the
		 * scan did not see (and freed a slot): scan again before sleeping.
		 */
		if (timed_out)
			next = now;

		if (next == UINT64_MAX)
			timeout = -1;
		else
			timeout = next <= now ? 0 : (int)MIN(next - now, (uint64_t)INT32_MAX);
		if (poll(pfd, np, timeout) < 0 && errno != EINTR)
			continue;
		if (pfd[0].revents & POLLIN) {
			uint64_t cnt;

			(void)!read(r->wake_fd, &cnt, sizeof(cnt));
		}
		now = now_ms();
		for (i = 1; i < np; i++)
			if (pfd[i].revents && owner[i]->state != Q_FREE && owner[i]->fd == pfd[i].fd)
				query_io(r, owner[i], pfd[i].revents, now);
	}
	return NULL;
}

/* ---- the API ---- */

static void lookup_hook(void *userdata, const IpAddr *ip, uint64_t ts_ns, FieldDnsNames *names)
{
	DnsResolver *r = userdata;
	uint8_t key[17];
	DnsAddr a = { 0 };
	size_t klen, i;
	void *v;

	/* the index is the resolver's present view; events are evaluated as they happen */
	(void)ts_ns;
	if (ip->family != 4 && ip->family != 6)
		return;
	a.family = ip->family;
	memcpy(a.addr, ip->addr, ip->family == 4 ? 4 : 16);
	klen = addr_key(&a, key);
	pthread_mutex_lock(&r->lock);
	if (strmap_get(r->index, (const char *)key, klen, &v)) {
		const IndexNode *node = v;

		for (i = 0; i < node->n; i++)
			if (field_dns_names_add(names, node->v[i]->name, node->v[i]->len) < 0)
				break;
	}
	pthread_mutex_unlock(&r->lock);
}

size_t dns_resolver_names_of(DnsResolver *r, int family, const void *addr, const char **ret,
			     size_t max, char *ret_buf, size_t bufsize)
{
	uint8_t key[17];
	DnsAddr a = { 0 };
	size_t klen, i, n = 0, used = 0;
	void *v;

	if (family != 4 && family != 6)
		return 0;
	a.family = (uint8_t)family;
	memcpy(a.addr, addr, family == 4 ? 4 : 16);
	klen = addr_key(&a, key);
	pthread_mutex_lock(&r->lock);
	if (strmap_get(r->index, (const char *)key, klen, &v)) {
		const IndexNode *node = v;

		n = node->n;
		for (i = 0; i < node->n && i < max; i++) {
			const Entry *e = node->v[i];

			if (bufsize - used < e->len + 1)
				break;
			memcpy(ret_buf + used, e->name, e->len + 1);
			ret[i] = ret_buf + used;
			used += e->len + 1;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return n;
}

DnsResolver *dns_resolver_free(DnsResolver *r)
{
	size_t it = 0, klen, i;
	const char *key;
	void *v;

	if (!r)
		return NULL;
	if (r->installed)
		field_set_dns_names(NULL, NULL);
	if (r->started) {
		pthread_mutex_lock(&r->lock);
		r->stop = true;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
		wake(r);
		pthread_join(r->thread, NULL);
	}
	for (i = 0; i < DNS_MAX_INFLIGHT; i++) {
		query_close(&r->queries[i]);
		free(r->queries[i].tcpbuf);
	}
	while (strmap_next(r->entries, &it, &key, &klen, &v))
		entry_free(v);
	strmap_free(r->entries);
	for (it = 0; strmap_next(r->index, &it, &key, &klen, &v);) {
		IndexNode *node = v;

		free(node->v);
		free(node);
	}
	strmap_free(r->index);
	strv_free_n(r->pending, r->npending);
	if (r->wake_fd >= 0)
		close(r->wake_fd);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r->resolv_conf);
	free(r);
	return NULL;
}

int dns_resolver_new(const DnsOptions *opts, DnsResolver **ret)
{
	_cleanup_(dns_resolver_freep) DnsResolver *r = new0(DnsResolver, 1);
	static const DnsOptions defaults = { 0 };
	pthread_condattr_t ca;
	sigset_t all, old;
	size_t i;
	int k;

	if (!r)
		return -ENOMEM;
	if (!opts)
		opts = &defaults;
	r->wake_fd = -1;
	for (i = 0; i < DNS_MAX_INFLIGHT; i++)
		r->queries[i].fd = -1;
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);
	r->ready = true; /* nothing watched yet */

	r->min_ttl_ms = (opts->min_ttl_s ? opts->min_ttl_s : DNS_DEFAULT_MIN_TTL_S) * 1000ull;
	r->max_ttl_ms = (opts->max_ttl_s ? opts->max_ttl_s : DNS_DEFAULT_MAX_TTL_S) * 1000ull;
	if (r->min_ttl_ms > r->max_ttl_ms)
		return -EINVAL;
	r->timeout_given = opts->timeout_ms != 0;
	r->timeout_ms = opts->timeout_ms ? opts->timeout_ms : DNS_DEFAULT_TIMEOUT_MS;
	r->attempts = DNS_DEFAULT_ATTEMPTS;
	if (opts->server) {
		k = dns_server_parse(opts->server, &r->servers[0]);
		if (k < 0)
			return k;
		r->nservers = 1;
		r->fixed_server = true;
	} else {
		r->resolv_conf = strdup(opts->resolv_conf ? opts->resolv_conf : "/etc/resolv.conf");
		if (!r->resolv_conf)
			return -ENOMEM;
		k = load_resolv_conf(r, true);
		if (k < 0)
			return k;
		r->resolv_checked = now_ms();
	}
	r->entries = strmap_new();
	r->index = strmap_new();
	if (!r->entries || !r->index)
		return -ENOMEM;
	r->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->wake_fd < 0)
		return -errno;

	/* the thread inherits a mask with every signal blocked: they go to the daemon's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	k = pthread_create(&r->thread, NULL, resolver_thread, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (k)
		return -k;
	r->started = true;
	*ret = TAKE_PTR(r);
	return 0;
}

int dns_resolver_watch(DnsResolver *r, const char *const *names, size_t n)
{
	char **v, buf[DNS_NAME_BUFSZ];
	size_t i;

	if (n > DNS_MAX_WATCHED)
		return -E2BIG;
	if (n && !names)
		return -EINVAL;
	v = new0(char *, n + 1);
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		int len = names[i] ? dns_name_normalize(names[i], strlen(names[i]), buf) : -EINVAL;

		if (len < 0) {
			strv_free_n(v, i);
			return -EINVAL;
		}
		v[i] = strndup(buf, (size_t)len);
		if (!v[i]) {
			strv_free_n(v, i);
			return -ENOMEM;
		}
	}
	pthread_mutex_lock(&r->lock);
	strv_free_n(r->pending, r->npending);
	r->pending = v;
	r->npending = n;
	r->has_pending = true;
	r->ready = false;
	pthread_mutex_unlock(&r->lock);
	wake(r);
	return 0;
}

void dns_resolver_install(DnsResolver *r)
{
	field_set_dns_names(lookup_hook, r);
	r->installed = true;
}

int dns_resolver_wait_ready(DnsResolver *r, unsigned timeout_ms)
{
	struct timespec dl;
	bool ready;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->lock);
	while (!r->ready && !r->stop)
		if (pthread_cond_timedwait(&r->cond, &r->lock, &dl) == ETIMEDOUT)
			break;
	ready = r->ready;
	pthread_mutex_unlock(&r->lock);
	return ready ? 0 : -ETIMEDOUT;
}

void dns_resolver_stats(DnsResolver *r, DnsStats *ret)
{
	pthread_mutex_lock(&r->lock);
	*ret = r->stats;
	ret->addresses = strmap_size(r->index);
	pthread_mutex_unlock(&r->lock);
}
