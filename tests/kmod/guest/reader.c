// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ring reader for the guest tests; see reader.h.  The event table is
 * expanded here into names, parameter names and wire types so that every
 * record can be checked field by field: lengths, fixed sizes, NUL-ended
 * strings and fault marks.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reader.h"

struct pdesc {
	const char *name;
	int type;
};

#define R_P(pname, ptype, pfmt) { #pname, SAKER_PT_##ptype },
#define R_E(id, ename, cat, params) \
	static const struct pdesc pd_##id[] = { params { NULL, 0 } };
SAKER_EVENT_TABLE(R_E, R_P)
#undef R_E

#define R_E(id, ename, cat, params) [SAKER_EVT_##id] = pd_##id,
static const struct pdesc *const pdescs[SAKER_EVT_MAX] = {
	SAKER_EVENT_TABLE(R_E, R_P)
};
#undef R_E
#undef R_P

#define R_N(id, ename, cat, params) [SAKER_EVT_##id] = ename,
#define R_NP(pname, ptype, pfmt)
static const char *const enames[SAKER_EVT_MAX] = {
	SAKER_EVENT_TABLE(R_N, R_NP)
};
#undef R_N
#undef R_NP

#define R_T(name, size) [SAKER_PT_##name] = size,
static const unsigned int psizes[SAKER_PT_MAX] = {
	SAKER_PARAM_TYPES(R_T)
};
#undef R_T

const char *saker_event_name(unsigned int type)
{
	return type < SAKER_EVT_MAX ? enames[type] : "?";
}

unsigned int saker_event_nparams(unsigned int type)
{
	unsigned int n = 0;

	if (type >= SAKER_EVT_MAX)
		return 0;
	while (pdescs[type][n].name)
		n++;
	return n;
}

const char *saker_param_name(unsigned int type, unsigned int i)
{
	if (i >= saker_event_nparams(type))
		return "?";
	return pdescs[type][i].name;
}

enum saker_param_type saker_param_type(unsigned int type, unsigned int i)
{
	if (i >= saker_event_nparams(type))
		return SAKER_PT_NONE;
	return pdescs[type][i].type;
}

int saker_param_index(unsigned int type, const char *name)
{
	unsigned int i, n = saker_event_nparams(type);

	for (i = 0; i < n; i++)
		if (!strcmp(pdescs[type][i].name, name))
			return i;
	return -1;
}

static void set_why(struct saker_reader *r, const char *what, int err)
{
	snprintf(r->why, sizeof(r->why), "%s: %s", what, strerror(err));
}

int saker_reader_open(struct saker_reader *r)
{
	unsigned int cpu;
	void *p;
	int err;

	memset(r, 0, sizeof(*r));
	r->fd = open(SAKER_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (r->fd < 0) {
		err = errno;
		set_why(r, "open " SAKER_DEVICE_PATH, err);
		return -err;
	}
	if (ioctl(r->fd, SAKER_IOC_GET_INFO, &r->info)) {
		err = errno;
		set_why(r, "GET_INFO", err);
		goto fail;
	}
	if (r->info.magic != SAKER_ABI_MAGIC ||
	    r->info.abi_version != SAKER_ABI_VERSION) {
		snprintf(r->why, sizeof(r->why),
			 "ABI mismatch: magic %#x version %u, want %#x %u",
			 r->info.magic, r->info.abi_version, SAKER_ABI_MAGIC,
			 SAKER_ABI_VERSION);
		err = EPROTO;
		goto fail;
	}
	p = mmap(NULL, r->info.info_size, PROT_READ, MAP_SHARED, r->fd,
		 SAKER_MMAP_INFO);
	if (p == MAP_FAILED) {
		err = errno;
		set_why(r, "mmap info", err);
		goto fail;
	}
	r->ri = p;
	p = mmap(NULL, r->info.consumer_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED, r->fd, SAKER_MMAP_CONSUMER);
	if (p == MAP_FAILED) {
		err = errno;
		set_why(r, "mmap consumer", err);
		goto fail;
	}
	r->tails = p;
	if (r->ri->magic != SAKER_ABI_MAGIC ||
	    r->ri->nr_cpus != r->info.nr_cpus ||
	    r->ri->ring_size != r->info.ring_size) {
		snprintf(r->why, sizeof(r->why), "info page disagrees with GET_INFO");
		err = EPROTO;
		goto fail;
	}
	r->rings = calloc(r->info.nr_cpus, sizeof(*r->rings));
	if (!r->rings) {
		err = ENOMEM;
		goto fail;
	}
	for (cpu = 0; cpu < r->info.nr_cpus; cpu++) {
		if (!r->ri->cpus[cpu].present)
			continue;
		p = mmap(NULL, r->info.ring_size, PROT_READ, MAP_SHARED, r->fd,
			 SAKER_MMAP_RING(cpu));
		if (p == MAP_FAILED) {
			err = errno;
			set_why(r, "mmap ring", err);
			goto fail;
		}
		r->rings[cpu] = p;
	}
	return 0;
fail:
	saker_reader_close(r);
	return -err;
}

void saker_reader_close(struct saker_reader *r)
{
	unsigned int cpu;

	if (r->rings) {
		for (cpu = 0; cpu < r->info.nr_cpus; cpu++)
			if (r->rings[cpu])
				munmap((void *)r->rings[cpu], r->info.ring_size);
		free(r->rings);
		r->rings = NULL;
	}
	if (r->tails)
		munmap(r->tails, r->info.consumer_size);
	if (r->ri)
		munmap((void *)r->ri, r->info.info_size);
	r->tails = NULL;
	r->ri = NULL;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

static int do_ioctl(struct saker_reader *r, unsigned long cmd, void *arg)
{
	return ioctl(r->fd, cmd, arg) ? -errno : 0;
}

int saker_reader_start(struct saker_reader *r)
{
	return do_ioctl(r, SAKER_IOC_START, NULL);
}

int saker_reader_stop(struct saker_reader *r)
{
	return do_ioctl(r, SAKER_IOC_STOP, NULL);
}

int saker_reader_select(struct saker_reader *r, const int *types, size_t n)
{
	struct saker_ioc_events ev;
	size_t i;

	memset(&ev, 0, sizeof(ev));
	for (i = 0; i < n; i++)
		ev.bits[types[i] / 64] |= 1ull << (types[i] % 64);
	return do_ioctl(r, SAKER_IOC_SET_EVENTS, &ev);
}

int saker_reader_select_all(struct saker_reader *r)
{
	struct saker_ioc_events ev;

	memset(&ev, 0xff, sizeof(ev));
	return do_ioctl(r, SAKER_IOC_SET_EVENTS, &ev);
}

int saker_reader_snaplen(struct saker_reader *r, uint32_t snaplen)
{
	return do_ioctl(r, SAKER_IOC_SET_SNAPLEN, &snaplen);
}

int saker_reader_exclude(struct saker_reader *r, uint32_t tgid)
{
	return do_ioctl(r, SAKER_IOC_EXCLUDE_TGID, &tgid);
}

int saker_reader_stats(struct saker_reader *r, struct saker_ioc_stats *st)
{
	return do_ioctl(r, SAKER_IOC_GET_STATS, st);
}

static void corrupt(struct saker_reader *r, unsigned int cpu, uint64_t tail,
		    const char *what)
{
	if (!r->corrupt)
		snprintf(r->why, sizeof(r->why), "cpu %u at %" PRIu64 ": %s",
			 cpu, tail, what);
	r->corrupt = true;
}

const struct saker_event_hdr *saker_reader_peek(struct saker_reader *r,
						unsigned int cpu)
{
	uint64_t size = r->info.ring_size;

	if (cpu >= r->info.nr_cpus || !r->rings[cpu] || r->corrupt)
		return NULL;
	for (;;) {
		uint64_t head = __atomic_load_n(&r->ri->cpus[cpu].head,
						__ATOMIC_ACQUIRE);
		uint64_t tail = r->tails[cpu];
		uint64_t pos = tail & (size - 1);
		uint64_t to_end = size - pos;
		const struct saker_event_hdr *h;

		if (tail == head)
			return NULL;
		if (head - tail > size || tail % SAKER_EVENT_ALIGN) {
			corrupt(r, cpu, tail, "head/tail out of range");
			return NULL;
		}
		if (to_end < sizeof(*h)) {	/* short gap at the end */
			__atomic_store_n(&r->tails[cpu], tail + to_end,
					 __ATOMIC_RELEASE);
			continue;
		}
		h = (const void *)(r->rings[cpu] + pos);
		if (h->len < sizeof(*h) || h->len % SAKER_EVENT_ALIGN ||
		    h->len > to_end || h->len > head - tail) {
			corrupt(r, cpu, tail, "bad record length");
			return NULL;
		}
		if (h->type == SAKER_EVT_PAD) {
			if (h->len != to_end) {
				corrupt(r, cpu, tail, "PAD does not reach the end");
				return NULL;
			}
			__atomic_store_n(&r->tails[cpu], tail + h->len,
					 __ATOMIC_RELEASE);
			continue;
		}
		return h;
	}
}

void saker_reader_consume(struct saker_reader *r, unsigned int cpu,
			  const struct saker_event_hdr *h)
{
	__atomic_store_n(&r->tails[cpu], r->tails[cpu] + h->len,
			 __ATOMIC_RELEASE);
}

int saker_event_check(const struct saker_event_hdr *h, char *why, size_t n)
{
	unsigned int np = saker_event_nparams(h->type), i;
	const uint8_t *base = (const uint8_t *)h;
	const uint16_t *lens = (const void *)(base + sizeof(*h));
	size_t off = sizeof(*h) + 2 * (size_t)h->nparams;

	if (h->type >= SAKER_EVT_MAX) {
		snprintf(why, n, "unknown type %u", h->type);
		return -1;
	}
	if (h->nparams != np) {
		snprintf(why, n, "%s: %u params, table has %u",
			 saker_event_name(h->type), h->nparams, np);
		return -1;
	}
	if (h->reserved) {
		snprintf(why, n, "%s: reserved %u", saker_event_name(h->type),
			 h->reserved);
		return -1;
	}
	for (i = 0; i < np; i++) {
		unsigned int len = lens[i] & SAKER_PARAM_LEN_MASK;
		int t = saker_param_type(h->type, i);
		const char *pn = saker_param_name(h->type, i);

		if (lens[i] & SAKER_PARAM_FAULT) {
			if (len) {
				snprintf(why, n, "%s.%s: faulted with length %u",
					 saker_event_name(h->type), pn, len);
				return -1;
			}
			if (!(h->flags & SAKER_EF_FAULTED)) {
				snprintf(why, n, "%s.%s: faulted, header not flagged",
					 saker_event_name(h->type), pn);
				return -1;
			}
			continue;
		}
		if (psizes[t] && len != psizes[t]) {
			snprintf(why, n, "%s.%s: length %u, type wants %u",
				 saker_event_name(h->type), pn, len, psizes[t]);
			return -1;
		}
		if (off + len > h->len) {
			snprintf(why, n, "%s.%s: runs past the record",
				 saker_event_name(h->type), pn);
			return -1;
		}
		if (len && (t == SAKER_PT_PATH || t == SAKER_PT_ABSPATH ||
			    t == SAKER_PT_STR || t == SAKER_PT_STRARR) &&
		    base[off + len - 1] != '\0') {
			snprintf(why, n, "%s.%s: string not NUL-terminated",
				 saker_event_name(h->type), pn);
			return -1;
		}
		if (len && (t == SAKER_PT_PATH || t == SAKER_PT_ABSPATH ||
			    t == SAKER_PT_STR) &&
		    memchr(base + off, '\0', len) != base + off + len - 1) {
			snprintf(why, n, "%s.%s: NUL inside the string",
				 saker_event_name(h->type), pn);
			return -1;
		}
		off += len;
	}
	if ((off + SAKER_EVENT_ALIGN - 1) / SAKER_EVENT_ALIGN *
	    SAKER_EVENT_ALIGN != h->len) {
		snprintf(why, n, "%s: params end at %zu, record is %u",
			 saker_event_name(h->type), off, h->len);
		return -1;
	}
	return 0;
}

static int evlist_add(struct saker_evlist *l, const struct saker_event_hdr *h)
{
	struct saker_event_hdr *c;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		void *p = realloc(l->ev, cap * sizeof(*l->ev));

		if (!p)
			return -1;
		l->ev = p;
		l->cap = cap;
	}
	c = malloc(h->len);
	if (!c)
		return -1;
	memcpy(c, h, h->len);
	l->ev[l->n++] = c;
	return 0;
}

long saker_reader_collect(struct saker_reader *r, struct saker_evlist *l)
{
	unsigned int cpu;
	long added = 0;
	char why[120];

	for (cpu = 0; cpu < r->info.nr_cpus; cpu++) {
		const struct saker_event_hdr *h;

		while ((h = saker_reader_peek(r, cpu))) {
			if (saker_event_check(h, why, sizeof(why))) {
				corrupt(r, cpu, r->tails[cpu], why);
				return -1;
			}
			if (h->cpu != cpu) {
				corrupt(r, cpu, r->tails[cpu], "cpu field");
				return -1;
			}
			if (evlist_add(l, h))
				return -1;
			saker_reader_consume(r, cpu, h);
			added++;
		}
		if (r->corrupt)
			return -1;
	}
	return added;
}

void saker_evlist_free(struct saker_evlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->ev[i]);
	free(l->ev);
	memset(l, 0, sizeof(*l));
}

const void *saker_param(const struct saker_event_hdr *h, const char *name,
			uint16_t *len, bool *fault)
{
	const uint8_t *base = (const uint8_t *)h;
	const uint16_t *lens = (const void *)(base + sizeof(*h));
	size_t off = sizeof(*h) + 2 * (size_t)h->nparams;
	int idx = saker_param_index(h->type, name), i;

	if (len)
		*len = 0;
	if (fault)
		*fault = false;
	if (idx < 0 || idx >= h->nparams)
		return NULL;
	for (i = 0; i < idx; i++)
		off += lens[i] & SAKER_PARAM_LEN_MASK;
	if (len)
		*len = lens[idx] & SAKER_PARAM_LEN_MASK;
	if (fault)
		*fault = lens[idx] & SAKER_PARAM_FAULT;
	return base + off;
}

bool saker_param_faulted(const struct saker_event_hdr *h, const char *name)
{
	bool fault;

	saker_param(h, name, NULL, &fault);
	return fault;
}

int64_t saker_param_int(const struct saker_event_hdr *h, const char *name)
{
	uint16_t len;
	const void *p = saker_param(h, name, &len, NULL);
	int64_t v64;
	int32_t v32;
	int16_t v16;

	if (!p)
		return 0;
	switch (len) {
	case 8:
		memcpy(&v64, p, 8);
		return v64;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	case 2:
		memcpy(&v16, p, 2);
		return (uint16_t)v16;
	default:
		return 0;
	}
}

const char *saker_param_str(const struct saker_event_hdr *h, const char *name)
{
	uint16_t len;
	const char *p = saker_param(h, name, &len, NULL);

	return p && len ? p : "";
}

void saker_event_print(FILE *f, const struct saker_event_hdr *h)
{
	unsigned int i, np = saker_event_nparams(h->type);
	const uint8_t *base = (const uint8_t *)h;
	const uint16_t *lens = (const void *)(base + sizeof(*h));
	size_t off = sizeof(*h) + 2 * (size_t)h->nparams;

	fprintf(f, "%" PRIu64 " cpu%u %u/%u %s%s%s%s", (uint64_t)h->ts, h->cpu, h->pid,
		h->tid, saker_event_name(h->type),
		h->flags & SAKER_EF_COMPAT ? " [compat]" : "",
		h->flags & SAKER_EF_FAULTED ? " [faulted]" : "",
		h->flags & SAKER_EF_TRUNCATED ? " [truncated]" : "");
	for (i = 0; i < np && i < h->nparams; i++) {
		unsigned int len = lens[i] & SAKER_PARAM_LEN_MASK;
		const uint8_t *p = base + off;
		int t = saker_param_type(h->type, i);

		fprintf(f, " %s=", saker_param_name(h->type, i));
		if (lens[i] & SAKER_PARAM_FAULT) {
			fputs("<fault>", f);
		} else if (t == SAKER_PT_PATH || t == SAKER_PT_ABSPATH ||
			   t == SAKER_PT_STR) {
			fprintf(f, "\"%.*s\"", len ? (int)len - 1 : 0, p);
		} else if (t == SAKER_PT_STRARR) {
			unsigned int j;

			fputc('[', f);
			for (j = 0; j + 1 < len && j < 200; j++)
				fputc(p[j] ? p[j] : ' ', f);
			fputc(']', f);
		} else if (psizes[t] == 8 || psizes[t] == 4 || psizes[t] == 2) {
			int64_t v = 0;

			if (len == 8) {
				memcpy(&v, p, 8);
			} else if (len == 4) {
				int32_t v32;

				memcpy(&v32, p, 4);
				if (t == SAKER_PT_S32 || t == SAKER_PT_SIG)
					v = v32;
				else
					v = (uint32_t)v32;
			} else if (len == 2) {
				uint16_t v16;

				memcpy(&v16, p, 2);
				v = v16;
			}
			if (t == SAKER_PT_MODE)
				fprintf(f, "0%" PRIo64, v);
			else if (t == SAKER_PT_FLAGS32 || t == SAKER_PT_FLAGS64)
				fprintf(f, "%#" PRIx64, v);
			else
				fprintf(f, "%" PRId64, v);
		} else {
			fprintf(f, "<%u bytes>", len);
		}
		off += len;
	}
	fputc('\n', f);
}
