// SPDX-License-Identifier: MIT
/*
 * The daemon's reader of the kernel module's rings.  Records are merged
 * across CPUs by a k-way merge and handed out in place; the consumer page is
 * the only memory written, always with a release store so that the producer
 * never reuses bytes the caller may still look at.
 *
 * Ordering.  Each CPU's ring is in timestamp order (one producer per CPU,
 * preemption disabled).  ring_reader_next() looks at the next record of
 * every CPU and returns the one with the smallest timestamp, so the merged
 * stream is exactly ordered over the records visible at the time of the
 * call (a CPU found empty is looked at again once the record to return is
 * chosen, so a record published before that one was is never overtaken by
 * it).  There is no hold-back window: a CPU whose ring is empty is not
 * waited for, so a record it publishes later with an older timestamp (it was
 * stamped at syscall entry and published at exit, or the reader was fast)
 * comes out after newer records of other CPUs.  That staleness is bounded by
 * the time between a record's timestamp and its publication on its CPU (one
 * syscall plus the reader's poll interval, at most RING_READER_POLL_MAX_MS
 * when idle); consumers that need a stricter order (the state tables do not)
 * must reorder themselves.  The cost is O(present CPUs) per record: the next
 * timestamp of every CPU is cached, so the scan touches no ring memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/ring-reader.h"

/* Largest ring the reader accepts from an info page (a sanity bound, not an ABI limit). */
#define RING_READER_MAX_RING_SIZE (1ull << 32)

typedef struct RingCpu {
	const uint8_t *data;	/* the data area, NULL without a ring */
	bool mapped;		/* data is our mmap (device mode) */
	uint64_t tail;		/* our position; published to the consumer page */
	const struct saker_event_hdr *next; /* validated record at tail, or NULL */
	uint32_t next_len;
	uint64_t next_ts;
} RingCpu;

struct RingReader {
	int fd;				/* device, -1 for memory */
	const struct saker_ring_info *info;
	size_t info_size;
	uint64_t *tails;		/* the consumer page */
	size_t consumer_size;
	uint64_t ring_size;
	unsigned nr_cpus;
	RingCpu *cpus;
	const uint8_t *const *mem_rings; /* memory mode: the caller's rings[] */
	int cur;			/* CPU of the record handed out, -1 none */
	unsigned interval_ms;
	RingReaderCounters counters;
	char error[RING_READER_MAX_ERROR];
};

static void set_error(RingReader *r, const char *fmt, ...) _printf_(2, 3);
static void set_error(RingReader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

RingReader *ring_reader_new(void)
{
	RingReader *r = new0(RingReader, 1);

	if (!r)
		return NULL;
	r->fd = -1;
	r->cur = -1;
	r->interval_ms = RING_READER_POLL_MIN_MS;
	return r;
}

RingReader *ring_reader_free(RingReader *r)
{
	if (!r)
		return NULL;
	ring_reader_close(r);
	free(r);
	return NULL;
}

void ring_reader_close(RingReader *r)
{
	unsigned cpu;

	if (!r)
		return;
	if (r->cpus) {
		for (cpu = 0; cpu < r->nr_cpus; cpu++)
			if (r->cpus[cpu].mapped)
				munmap((void *)r->cpus[cpu].data, r->ring_size);
		free(r->cpus);
	}
	if (r->fd >= 0) {
		if (r->tails)
			munmap(r->tails, r->consumer_size);
		if (r->info)
			munmap((void *)r->info, r->info_size);
		close(r->fd);
	}
	r->cpus = NULL;
	r->tails = NULL;
	r->info = NULL;
	r->mem_rings = NULL;
	r->nr_cpus = 0;
	r->fd = -1;
	r->cur = -1;
}

const char *ring_reader_error(const RingReader *r)
{
	return r->error;
}

static uint64_t load_head(const RingReader *r, unsigned cpu)
{
	return __atomic_load_n(&r->info->cpus[cpu].head, __ATOMIC_ACQUIRE);
}

static void publish_tail(RingReader *r, unsigned cpu)
{
	__atomic_store_n(&r->tails[cpu], r->cpus[cpu].tail, __ATOMIC_RELEASE);
}

/* Checks of the info page shared by both sources; sets the geometry. */
static int check_info(RingReader *r, const struct saker_ring_info *info, size_t info_size,
		      size_t consumer_size)
{
	uint64_t size;

	if (info_size < sizeof(*info)) {
		set_error(r, "ring info area too small (%zu bytes)", info_size);
		return -EPROTO;
	}
	if (info->magic != SAKER_ABI_MAGIC) {
		set_error(r, "not a saker ring (magic %#x, expected %#x)", info->magic,
			  SAKER_ABI_MAGIC);
		return -EPROTO;
	}
	if (info->abi_version != SAKER_ABI_VERSION) {
		set_error(r, "module ABI %u, sakerd expects %u: rebuild saker-dkms",
			  info->abi_version, SAKER_ABI_VERSION);
		return -EPROTO;
	}
	size = info->ring_size;
	if (info->nr_cpus == 0 || info->nr_cpus > SAKER_MAX_CPUS) {
		set_error(r, "ring info has %u CPUs (at most %u)", info->nr_cpus, SAKER_MAX_CPUS);
		return -EPROTO;
	}
	if (size < SAKER_PAGE_SIZE || size > RING_READER_MAX_RING_SIZE || (size & (size - 1))) {
		set_error(r, "ring size %" PRIu64 " is not a power of two in [%u, %llu]", size,
			  SAKER_PAGE_SIZE, RING_READER_MAX_RING_SIZE);
		return -EPROTO;
	}
	if (info_size < sizeof(*info) + (size_t)info->nr_cpus * sizeof(struct saker_ring_cpu) ||
	    consumer_size < (size_t)info->nr_cpus * sizeof(uint64_t)) {
		set_error(r, "ring info or consumer area too small for %u CPUs", info->nr_cpus);
		return -EPROTO;
	}
	r->nr_cpus = info->nr_cpus;
	r->ring_size = size;
	return 0;
}

/* Take over the consumer's tail of a newly attached CPU, resynchronising a nonsense one. */
static void attach_cpu(RingReader *r, unsigned cpu, const uint8_t *data, bool mapped)
{
	RingCpu *c = &r->cpus[cpu];
	uint64_t head = load_head(r, cpu);
	uint64_t tail = __atomic_load_n(&r->tails[cpu], __ATOMIC_RELAXED);

	c->data = data;
	c->mapped = mapped;
	c->next = NULL;
	c->tail = tail;
	if (head - tail > r->ring_size || tail % SAKER_EVENT_ALIGN) {
		c->tail = head;
		r->counters.corrupt++;
		publish_tail(r, cpu);
	}
}

static bool cpu_present(const RingReader *r, unsigned cpu)
{
	return __atomic_load_n(&r->info->cpus[cpu].present, __ATOMIC_RELAXED) != 0;
}

/* Map the rings of present CPUs not mapped yet.  Returns -errno of the first failure. */
static int attach_present(RingReader *r)
{
	unsigned cpu;
	int ret = 0;

	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		void *p;

		if (r->cpus[cpu].data || !cpu_present(r, cpu))
			continue;
		if (r->fd < 0) {
			if (r->mem_rings[cpu])
				attach_cpu(r, cpu, r->mem_rings[cpu], false);
			continue;
		}
		p = mmap(NULL, r->ring_size, PROT_READ, MAP_SHARED, r->fd, SAKER_MMAP_RING(cpu));
		if (p == MAP_FAILED) {
			if (ret == 0) {
				ret = -errno;
				set_error(r, "cannot map the ring of CPU %u: %s", cpu, strerror(errno));
			}
			continue;
		}
		attach_cpu(r, cpu, p, true);
	}
	return ret;
}

int ring_reader_open_memory(RingReader *r, const RingReaderMemory *m)
{
	int ret;

	if (!m || !m->info || !m->consumer || !m->rings)
		return -EINVAL;
	ring_reader_close(r);
	r->error[0] = '\0';
	ret = check_info(r, m->info, m->info_size, m->consumer_size);
	if (ret < 0)
		return ret;
	r->cpus = new0(RingCpu, r->nr_cpus);
	if (!r->cpus)
		return -ENOMEM;
	r->info = m->info;
	r->info_size = m->info_size;
	r->tails = (uint64_t *)m->consumer;
	r->consumer_size = m->consumer_size;
	r->mem_rings = m->rings;
	(void)attach_present(r);
	return 0;
}

int ring_reader_open_device(RingReader *r, const char *path)
{
	_cleanup_close_ int fd = -1;
	struct saker_ioc_info ii = { 0 };
	void *info, *consumer;
	int ret;

	ring_reader_close(r);
	r->error[0] = '\0';
	if (!path)
		path = SAKER_DEVICE_PATH;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -EBUSY)
			set_error(r, "%s is in use by another reader", path);
		else if (ret == -ENOENT)
			set_error(r, "%s does not exist: is the saker module loaded?", path);
		else
			set_error(r, "cannot open %s: %s", path, strerror(-ret));
		return ret;
	}
	if (ioctl(fd, SAKER_IOC_GET_INFO, &ii) < 0) {
		ret = -errno;
		set_error(r, "%s: GET_INFO failed: %s", path, strerror(-ret));
		return ret;
	}
	if (ii.magic != SAKER_ABI_MAGIC) {
		set_error(r, "%s is not a saker device (magic %#x)", path, ii.magic);
		return -EPROTO;
	}
	if (ii.abi_version != SAKER_ABI_VERSION) {
		set_error(r, "module ABI %u, sakerd expects %u: rebuild saker-dkms", ii.abi_version,
			  SAKER_ABI_VERSION);
		return -EPROTO;
	}
	if (ii.info_size < sizeof(struct saker_ring_info) || ii.info_size > (64u << 20) ||
	    ii.consumer_size > (1u << 20) || ii.consumer_size < SAKER_CONSUMER_SIZE(ii.nr_cpus)) {
		set_error(r, "%s reports impossible sizes (info %u, consumer %llu)", path,
			  ii.info_size, (unsigned long long)ii.consumer_size);
		return -EPROTO;
	}
	info = mmap(NULL, ii.info_size, PROT_READ, MAP_SHARED, fd, SAKER_MMAP_INFO);
	if (info == MAP_FAILED) {
		ret = -errno;
		set_error(r, "cannot map the ring info: %s", strerror(-ret));
		return ret;
	}
	consumer = mmap(NULL, ii.consumer_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			SAKER_MMAP_CONSUMER);
	if (consumer == MAP_FAILED) {
		ret = -errno;
		munmap(info, ii.info_size);
		set_error(r, "cannot map the consumer page: %s", strerror(-ret));
		return ret;
	}
	/* From here ring_reader_close() undoes everything. */
	r->fd = TAKE_FD(fd);
	r->info = info;
	r->info_size = ii.info_size;
	r->tails = consumer;
	r->consumer_size = ii.consumer_size;
	ret = check_info(r, info, ii.info_size, ii.consumer_size);
	if (ret >= 0 && (r->nr_cpus != ii.nr_cpus || r->ring_size != ii.ring_size)) {
		set_error(r, "the ring info page disagrees with GET_INFO");
		ret = -EPROTO;
	}
	if (ret >= 0) {
		r->cpus = new0(RingCpu, r->nr_cpus);
		if (!r->cpus)
			ret = -ENOMEM;
	}
	if (ret >= 0)
		ret = attach_present(r);
	if (ret < 0) {
		ring_reader_close(r);
		return ret;
	}
	return 0;
}

/* Give up on the rest of a CPU's ring: skip to the producer's head, unread. */
static void resync(RingReader *r, unsigned cpu, uint64_t head)
{
	r->counters.corrupt++;
	r->counters.bytes += head - r->cpus[cpu].tail;
	r->cpus[cpu].tail = head;
	publish_tail(r, cpu);
}

/*
 * Validate the record at a CPU's tail, skipping PAD records and the short
 * gap at the end of the area.  Every field is read once into a local so that
 * what was checked is what is used.
 */
static const struct saker_event_hdr *cpu_peek(RingReader *r, unsigned cpu)
{
	RingCpu *c = &r->cpus[cpu];

	if (c->next)
		return c->next;
	if (!c->data)
		return NULL;
	for (;;) {
		uint64_t head = load_head(r, cpu), tail = c->tail, avail = head - tail;
		uint64_t pos = tail & (r->ring_size - 1), to_end = r->ring_size - pos;
		const struct saker_event_hdr *h;
		uint32_t len;
		uint16_t type;

		if (avail == 0)
			return NULL;
		if (avail > r->ring_size || avail % SAKER_EVENT_ALIGN) {
			resync(r, cpu, head);
			return NULL;
		}
		if (to_end < sizeof(*h)) {
			/* The producer left this gap and continued at the start. */
			if (to_end > avail) {
				resync(r, cpu, head);
				return NULL;
			}
			c->tail += to_end;
			r->counters.pads++;
			r->counters.bytes += to_end;
			publish_tail(r, cpu);
			continue;
		}
		h = (const struct saker_event_hdr *)(c->data + pos);
		len = __atomic_load_n(&h->len, __ATOMIC_RELAXED);
		type = __atomic_load_n(&h->type, __ATOMIC_RELAXED);
		if (len < sizeof(*h) || len % SAKER_EVENT_ALIGN || len > to_end || len > avail) {
			resync(r, cpu, head);
			return NULL;
		}
		if (type == SAKER_EVT_PAD) {
			c->tail += len;
			r->counters.pads++;
			r->counters.bytes += len;
			publish_tail(r, cpu);
			continue;
		}
		c->next = h;
		c->next_len = len;
		c->next_ts = __atomic_load_n(&h->ts, __ATOMIC_RELAXED);
		return h;
	}
}

void ring_reader_release(RingReader *r)
{
	RingCpu *c;

	if (r->cur < 0)
		return;
	c = &r->cpus[r->cur];
	c->tail += c->next_len;
	r->counters.bytes += c->next_len;
	c->next = NULL;
	publish_tail(r, (unsigned)r->cur);
	r->cur = -1;
}

int ring_reader_next(RingReader *r, const struct saker_event_hdr **ret, size_t *ret_len)
{
	unsigned cpu, first_empty = UINT_MAX;
	bool best_fresh = false;
	int best = -1;

	if (!r->cpus)
		return -EBADF;
	ring_reader_release(r);
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		bool cached = r->cpus[cpu].next;

		if (!cpu_peek(r, cpu)) {
			first_empty = MIN(first_empty, cpu);
			continue;
		}
		if (best < 0 || r->cpus[cpu].next_ts < r->cpus[best].next_ts) {
			best = (int)cpu;
			best_fresh = !cached;
		}
	}
	if (best < 0)
		return 0;
	/*
	 * A CPU found empty before the chosen record was seen (its head loaded
	 * in this call, before the one of a CPU scanned after it) may have
	 * published an older record since, which has to come first: a fork
	 * (recorded in the parent before the child can run) and its child's
	 * first system call on another CPU.  The chosen record's head was
	 * loaded with acquire, so a second look sees everything that happened
	 * before it.  A record seen in an earlier call needs none: every load
	 * of this call came after it.
	 */
	for (cpu = first_empty; best_fresh && cpu < (unsigned)best; cpu++) {
		if (cpu_peek(r, cpu) && r->cpus[cpu].next_ts < r->cpus[best].next_ts)
			best = (int)cpu;
	}
	r->cur = best;
	r->counters.records++;
	*ret = r->cpus[best].next;
	*ret_len = r->cpus[best].next_len;
	return 1;
}

bool ring_reader_pending(RingReader *r)
{
	unsigned cpu;

	if (!r->cpus)
		return false;
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		const RingCpu *c = &r->cpus[cpu];

		if (c->data && (c->next || load_head(r, cpu) != c->tail))
			return true;
	}
	return false;
}

unsigned ring_reader_poll_interval_ms(const RingReader *r)
{
	return r->interval_ms;
}

int ring_reader_wait(RingReader *r, int wake_fd)
{
	struct pollfd pfd = { .fd = wake_fd, .events = POLLIN };

	if (!r->cpus)
		return -EBADF;
	(void)attach_present(r);
	if (ring_reader_pending(r)) {
		r->interval_ms = RING_READER_POLL_MIN_MS;
		return 1;
	}
	if (poll(&pfd, wake_fd >= 0 ? 1 : 0, (int)r->interval_ms) < 0 && errno != EINTR)
		return -errno;
	if (ring_reader_pending(r)) {
		r->interval_ms = RING_READER_POLL_MIN_MS;
		return 1;
	}
	r->interval_ms = MIN(r->interval_ms * 2, (unsigned)RING_READER_POLL_MAX_MS);
	return 0;
}

static int do_ioctl(RingReader *r, unsigned long cmd, void *arg, const char *what)
{
	if (r->fd < 0)
		return -ENOTTY;
	if (ioctl(r->fd, cmd, arg) < 0) {
		int ret = -errno;

		set_error(r, "%s failed: %s", what, strerror(-ret));
		return ret;
	}
	return 0;
}

int ring_reader_set_events(RingReader *r, const struct saker_ioc_events *ev)
{
	struct saker_ioc_events copy = *ev;

	return do_ioctl(r, SAKER_IOC_SET_EVENTS, &copy, "SET_EVENTS");
}

int ring_reader_set_snaplen(RingReader *r, uint32_t snaplen)
{
	if (snaplen > SAKER_SNAPLEN_MAX)
		return -EINVAL;
	return do_ioctl(r, SAKER_IOC_SET_SNAPLEN, &snaplen, "SET_SNAPLEN");
}

int ring_reader_exclude_tgid(RingReader *r, uint32_t tgid)
{
	return do_ioctl(r, SAKER_IOC_EXCLUDE_TGID, &tgid, "EXCLUDE_TGID");
}

int ring_reader_start(RingReader *r)
{
	return do_ioctl(r, SAKER_IOC_START, NULL, "START");
}

int ring_reader_stop(RingReader *r)
{
	return do_ioctl(r, SAKER_IOC_STOP, NULL, "STOP");
}

int ring_reader_cpu_stats(RingReader *r, unsigned cpu, struct saker_cpu_stats *ret)
{
	const uint64_t *src;
	uint64_t *dst = (uint64_t *)ret;
	size_t i;

	if (!r->cpus)
		return -EBADF;
	if (cpu >= r->nr_cpus || !cpu_present(r, cpu))
		return -ENXIO;
	/* Counters are maintained by their CPU: word-sized loads, no torn values. */
	src = (const uint64_t *)&r->info->cpus[cpu].stats;
	for (i = 0; i < sizeof(*ret) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	return 0;
}

int ring_reader_stats(RingReader *r, struct saker_ioc_stats *ret)
{
	struct saker_ioc_stats st = { 0 };
	unsigned cpu, i;

	if (!r->cpus)
		return -EBADF;
	if (r->fd >= 0)
		return do_ioctl(r, SAKER_IOC_GET_STATS, ret, "GET_STATS");
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		struct saker_cpu_stats cs;

		if (ring_reader_cpu_stats(r, cpu, &cs) < 0)
			continue;
		st.events += cs.events;
		st.bytes += cs.bytes;
		for (i = 0; i < ELEMENTSOF(st.drops); i++)
			st.drops[i] += cs.drops[i];
		st.faults += cs.faults;
		st.truncated += cs.truncated;
		st.filtered += cs.filtered;
	}
	*ret = st;
	return 0;
}

void ring_reader_counters(const RingReader *r, RingReaderCounters *ret)
{
	*ret = r->counters;
}

unsigned ring_reader_nr_cpus(const RingReader *r)
{
	return r->nr_cpus;
}

bool ring_reader_cpu_online(const RingReader *r, unsigned cpu)
{
	if (!r->info || cpu >= r->nr_cpus)
		return false;
	return __atomic_load_n(&r->info->cpus[cpu].online, __ATOMIC_RELAXED) != 0;
}

uint64_t ring_reader_boot_to_realtime_ns(const RingReader *r)
{
	return r->info ? r->info->boot_to_realtime_ns : 0;
}
