// SPDX-License-Identifier: MIT
/*
 * Tests of the ring reader (daemon/capture/ring-reader.c) against a producer
 * simulated in memory that follows the module's rules (include/saker/ring.h):
 * one producer per CPU, records never straddle the end (PAD record, or a gap
 * shorter than a header), the tail is respected, head published with release.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture/ring-reader.h"

#define SIM_CPUS 4
#define SIM_RING 4096u

typedef struct Sim {
	struct saker_ring_info *info;
	struct saker_consumer *consumer;
	uint8_t *rings[SIM_CPUS];
	RingReader *r;
	uint64_t produced[SIM_CPUS];
} Sim;

static void sim_init(Sim *s, uint64_t present_mask)
{
	unsigned cpu;

	memset(s, 0, sizeof(*s));
	s->info = aligned_alloc(SAKER_PAGE_SIZE, SAKER_PAGE_SIZE);
	s->consumer = aligned_alloc(SAKER_PAGE_SIZE, SAKER_PAGE_SIZE);
	assert_non_null(s->info);
	assert_non_null(s->consumer);
	memset(s->info, 0, SAKER_PAGE_SIZE);
	memset(s->consumer, 0, SAKER_PAGE_SIZE);
	s->info->magic = SAKER_ABI_MAGIC;
	s->info->abi_version = SAKER_ABI_VERSION;
	s->info->info_size = SAKER_PAGE_SIZE;
	s->info->nr_cpus = SIM_CPUS;
	s->info->ring_size = SIM_RING;
	for (cpu = 0; cpu < SIM_CPUS; cpu++) {
		if (!(present_mask & (1u << cpu)))
			continue;
		s->rings[cpu] = aligned_alloc(SAKER_PAGE_SIZE, SIM_RING);
		assert_non_null(s->rings[cpu]);
		memset(s->rings[cpu], 0xa5, SIM_RING);
		s->info->cpus[cpu].present = 1;
		s->info->cpus[cpu].online = 1;
	}
	s->r = ring_reader_new();
	assert_non_null(s->r);
}

static int sim_open(Sim *s)
{
	RingReaderMemory m = {
		.info = s->info,
		.info_size = SAKER_PAGE_SIZE,
		.consumer = s->consumer,
		.consumer_size = SAKER_PAGE_SIZE,
		.rings = (const uint8_t *const *)s->rings,
	};

	return ring_reader_open_memory(s->r, &m);
}

static void sim_done(Sim *s)
{
	unsigned cpu;

	ring_reader_free(s->r);
	for (cpu = 0; cpu < SIM_CPUS; cpu++)
		free(s->rings[cpu]);
	free(s->info);
	free(s->consumer);
}

static uint64_t sim_head(Sim *s, unsigned cpu)
{
	return s->info->cpus[cpu].head;
}

static uint64_t sim_tail(Sim *s, unsigned cpu)
{
	return __atomic_load_n(&s->consumer->tail[cpu], __ATOMIC_ACQUIRE);
}

/* Write raw bytes at head (no checks) and publish head + advance. */
static void sim_raw(Sim *s, unsigned cpu, const struct saker_event_hdr *h, uint64_t advance)
{
	uint64_t head = sim_head(s, cpu);

	memcpy(s->rings[cpu] + (head & (SIM_RING - 1)), h, sizeof(*h));
	__atomic_store_n(&s->info->cpus[cpu].head, head + advance, __ATOMIC_RELEASE);
}

/*
 * Produce one record of len bytes (multiple of 8, >= 32) like the module
 * does.  Returns 0, or -ENOSPC when the consumer's tail does not leave room.
 */
static int sim_put(Sim *s, unsigned cpu, uint64_t ts, uint32_t len)
{
	uint64_t head = sim_head(s, cpu), tail = sim_tail(s, cpu);
	uint64_t pos = head & (SIM_RING - 1), to_end = SIM_RING - pos, need = len;
	struct saker_event_hdr h = { 0 };

	if (to_end < len)
		need += to_end;
	if (head + need - tail > SIM_RING)
		return -ENOSPC;
	if (to_end < len) {
		if (to_end >= sizeof(h)) {
			h.type = SAKER_EVT_PAD;
			h.len = (uint32_t)to_end;
			memcpy(s->rings[cpu] + pos, &h, sizeof(h));
		}
		head += to_end;
		pos = 0;
	}
	memset(&h, 0, sizeof(h));
	h.ts = ts;
	h.tid = h.pid = 1000 + cpu;
	h.len = len;
	h.type = SAKER_EVT_CLOSE;
	h.cpu = (uint16_t)cpu;
	memcpy(s->rings[cpu] + pos, &h, sizeof(h));
	memset(s->rings[cpu] + pos + sizeof(h), (int)(ts & 0xff), len - sizeof(h));
	__atomic_store_n(&s->info->cpus[cpu].head, head + len, __ATOMIC_RELEASE);
	s->produced[cpu]++;
	return 0;
}

static int drain(Sim *s, uint64_t *last_ts, uint64_t *count)
{
	const struct saker_event_hdr *h;
	size_t len;
	int r;

	while ((r = ring_reader_next(s->r, &h, &len)) == 1) {
		assert_int_equal(len, h->len);
		assert_true(h->ts >= *last_ts);
		assert_int_equal(h->type, SAKER_EVT_CLOSE);
		*last_ts = h->ts;
		(*count)++;
	}
	return r;
}

static void test_empty(void **state)
{
	const struct saker_event_hdr *h;
	size_t len;
	Sim s;

	(void)state;
	sim_init(&s, 0xf);
	assert_int_equal(sim_open(&s), 0);
	assert_int_equal(ring_reader_nr_cpus(s.r), SIM_CPUS);
	assert_false(ring_reader_pending(s.r));
	assert_int_equal(ring_reader_next(s.r, &h, &len), 0);
	assert_int_equal(ring_reader_next(s.r, &h, &len), 0);
	sim_done(&s);
}

static void test_not_open(void **state)
{
	const struct saker_event_hdr *h;
	RingReader *r = ring_reader_new();
	size_t len;

	(void)state;
	assert_int_equal(ring_reader_next(r, &h, &len), -EBADF);
	assert_int_equal(ring_reader_start(r), -ENOTTY);
	ring_reader_release(r);
	ring_reader_free(r);
	assert_null(ring_reader_free(NULL));
}

static void test_abi_mismatch(void **state)
{
	Sim s;

	(void)state;
	sim_init(&s, 0xf);
	s.info->abi_version = SAKER_ABI_VERSION + 2;
	assert_int_equal(sim_open(&s), -EPROTO);
	assert_non_null(strstr(ring_reader_error(s.r), "rebuild saker-dkms"));
	assert_non_null(strstr(ring_reader_error(s.r), "module ABI"));
	s.info->abi_version = SAKER_ABI_VERSION;
	s.info->magic = 0x12345678;
	assert_int_equal(sim_open(&s), -EPROTO);
	s.info->magic = SAKER_ABI_MAGIC;
	s.info->ring_size = 3000;
	assert_int_equal(sim_open(&s), -EPROTO);
	s.info->ring_size = SIM_RING;
	s.info->nr_cpus = SAKER_MAX_CPUS + 1;
	assert_int_equal(sim_open(&s), -EPROTO);
	s.info->nr_cpus = 64; /* more CPUs than the info area holds */
	assert_int_equal(sim_open(&s), -EPROTO);
	s.info->nr_cpus = SIM_CPUS;
	assert_int_equal(sim_open(&s), 0);
	sim_done(&s);
}

static void test_order_four_cpus(void **state)
{
	static const uint64_t ts[SIM_CPUS][5] = {
		{ 10, 50, 51, 90, 200 },
		{ 5, 60, 61, 62, 63 },
		{ 1, 2, 3, 300, 301 },
		{ 40, 41, 42, 43, 44 },
	};
	const struct saker_event_hdr *h;
	uint64_t last = 0, n = 0;
	unsigned cpu, i;
	size_t len;
	Sim s;

	(void)state;
	sim_init(&s, 0xf);
	assert_int_equal(sim_open(&s), 0);
	for (cpu = 0; cpu < SIM_CPUS; cpu++)
		for (i = 0; i < 5; i++)
			assert_int_equal(sim_put(&s, cpu, ts[cpu][i], 40), 0);
	assert_true(ring_reader_pending(s.r));
	assert_int_equal(ring_reader_next(s.r, &h, &len), 1);
	assert_int_equal(h->ts, 1);
	assert_int_equal(h->cpu, 2);
	assert_int_equal(drain(&s, &last, &n), 0);
	assert_int_equal(n, 19);
	assert_int_equal(last, 301);
	for (cpu = 0; cpu < SIM_CPUS; cpu++)
		assert_int_equal(sim_tail(&s, cpu), sim_head(&s, cpu));
	sim_done(&s);
}

static void test_tail_publication(void **state)
{
	const struct saker_event_hdr *h, *h2;
	size_t len;
	Sim s;

	(void)state;
	sim_init(&s, 0x1);
	assert_int_equal(sim_open(&s), 0);
	assert_int_equal(sim_put(&s, 0, 1, 64), 0);
	assert_int_equal(sim_put(&s, 0, 2, 32), 0);
	assert_int_equal(ring_reader_next(s.r, &h, &len), 1);
	assert_int_equal(len, 64);
	/* Held by the caller: not given back yet. */
	assert_int_equal(sim_tail(&s, 0), 0);
	ring_reader_release(s.r);
	assert_int_equal(sim_tail(&s, 0), 64);
	ring_reader_release(s.r); /* twice is harmless */
	assert_int_equal(sim_tail(&s, 0), 64);
	assert_int_equal(ring_reader_next(s.r, &h2, &len), 1);
	assert_int_equal(h2->ts, 2);
	assert_int_equal(sim_tail(&s, 0), 64);
	/* The next call releases the previous record. */
	assert_int_equal(ring_reader_next(s.r, &h, &len), 0);
	assert_int_equal(sim_tail(&s, 0), 96);
	sim_done(&s);
}

static void test_producer_respects_tail(void **state)
{
	const struct saker_event_hdr *h;
	uint64_t ts = 1;
	size_t len;
	int n = 0;
	Sim s;

	(void)state;
	sim_init(&s, 0x1);
	assert_int_equal(sim_open(&s), 0);
	while (sim_put(&s, 0, ts, 256) == 0)
		ts++, n++;
	assert_int_equal(n, SIM_RING / 256);
	/* The reader holds the oldest record: the producer may not reuse it. */
	assert_int_equal(ring_reader_next(s.r, &h, &len), 1);
	assert_int_equal(h->ts, 1);
	assert_int_equal(sim_put(&s, 0, ts, 256), -ENOSPC);
	assert_int_equal(h->ts, 1);
	ring_reader_release(s.r);
	assert_int_equal(sim_put(&s, 0, ts, 256), 0);
	/* Wrapped: the new record is at offset 0 where the released one was. */
	assert_int_equal(ring_reader_next(s.r, &h, &len), 1);
	assert_int_equal(h->ts, 2);
	sim_done(&s);
}

static void test_wrap_pad_and_gap(void **state)
{
	const struct saker_event_hdr *h;
	RingReaderCounters c;
	uint64_t last = 0, n = 0;
	size_t len;
	Sim s;

	(void)state;
	sim_init(&s, 0x3);
	assert_int_equal(sim_open(&s), 0);
	/* CPU 0: leave a 16-byte gap (shorter than a header) before the end. */
	assert_int_equal(sim_put(&s, 0, 1, SIM_RING - 16), 0);
	assert_int_equal(ring_reader_next(s.r, &h, &len), 1);
	ring_reader_release(s.r);
	assert_int_equal(sim_put(&s, 0, 2, 64), 0);
	assert_int_equal(sim_head(&s, 0), SIM_RING + 64);
	/* CPU 1: a PAD record of 96 bytes before the end. */
	assert_int_equal(sim_put(&s, 1, 3, SIM_RING - 96), 0);
	assert_int_equal(ring_reader_next(s.r, &h, &len), 1);
	assert_int_equal(h->ts, 2);
	assert_int_equal(ring_reader_next(s.r, &h, &len), 1);
	assert_int_equal(h->ts, 3);
	assert_int_equal(ring_reader_next(s.r, &h, &len), 0);
	assert_int_equal(sim_put(&s, 1, 4, 128), 0);
	assert_int_equal(drain(&s, &last, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(last, 4);
	assert_int_equal(sim_tail(&s, 0), sim_head(&s, 0));
	assert_int_equal(sim_tail(&s, 1), sim_head(&s, 1));
	ring_reader_counters(s.r, &c);
	assert_int_equal(c.pads, 2);
	assert_int_equal(c.corrupt, 0);
	assert_int_equal(c.records, 4);
	sim_done(&s);
}

/* One malformed record of each kind: counted, skipped to the head, later records read. */
static void test_corrupt(void **state)
{
	static const struct {
		uint32_t len;
		uint64_t advance;
		uint64_t at; /* head before, to test "crosses the end" */
	} bad[] = {
		{ 16, 32, 0 },		/* shorter than a header */
		{ 44, 48, 0 },		/* misaligned */
		{ 512, 64, 0 },		/* longer than what the producer published */
		{ 256, SIM_RING - 128, SIM_RING - 128 }, /* crosses the end of the area */
		{ 0, 20, 0 },		/* head misaligned */
	};
	const struct saker_event_hdr *h;
	RingReaderCounters c;
	size_t i, len;

	(void)state;
	for (i = 0; i < ELEMENTSOF(bad); i++) {
		struct saker_event_hdr raw = { .ts = 7, .len = bad[i].len, .type = SAKER_EVT_CLOSE };
		Sim s;

		sim_init(&s, 0x3);
		s.info->cpus[0].head = bad[i].at;
		s.consumer->tail[0] = bad[i].at;
		assert_int_equal(sim_open(&s), 0);
		assert_int_equal(sim_put(&s, 1, 9, 32), 0);
		sim_raw(&s, 0, &raw, bad[i].advance);
		assert_int_equal(ring_reader_next(s.r, &h, &len), 1);
		assert_int_equal(h->ts, 9);
		assert_int_equal(ring_reader_next(s.r, &h, &len), 0);
		assert_int_equal(sim_tail(&s, 0), sim_head(&s, 0));
		ring_reader_counters(s.r, &c);
		assert_int_equal(c.corrupt, 1);
		/* Back in step: a good record after the resynchronisation is read. */
		if (sim_head(&s, 0) % SAKER_EVENT_ALIGN == 0) {
			assert_int_equal(sim_put(&s, 0, 10, 40), 0);
			assert_int_equal(ring_reader_next(s.r, &h, &len), 1);
			assert_int_equal(h->ts, 10);
		}
		sim_done(&s);
	}
}

static void test_bad_initial_tail(void **state)
{
	RingReaderCounters c;
	Sim s;

	(void)state;
	sim_init(&s, 0x1);
	s.info->cpus[0].head = 64;
	s.consumer->tail[0] = 64 + 5 * SIM_RING;
	assert_int_equal(sim_open(&s), 0);
	ring_reader_counters(s.r, &c);
	assert_int_equal(c.corrupt, 1);
	assert_int_equal(sim_tail(&s, 0), 64);
	sim_done(&s);
}

static void test_absent_and_offline(void **state)
{
	const struct saker_event_hdr *h;
	struct saker_cpu_stats cs;
	uint64_t last = 0, n = 0;
	size_t len;
	Sim s;

	(void)state;
	sim_init(&s, 0xb); /* CPU 2 has no ring */
	assert_int_equal(sim_open(&s), 0);
	assert_int_equal(ring_reader_cpu_stats(s.r, 2, &cs), -ENXIO);
	assert_int_equal(ring_reader_cpu_stats(s.r, 99, &cs), -ENXIO);
	assert_int_equal(sim_put(&s, 0, 5, 32), 0);
	assert_int_equal(sim_put(&s, 3, 3, 32), 0);
	/* A CPU going offline keeps its ring: what it wrote is still read. */
	s.info->cpus[3].online = 0;
	assert_false(ring_reader_cpu_online(s.r, 3));
	assert_true(ring_reader_cpu_online(s.r, 0));
	assert_int_equal(drain(&s, &last, &n), 0);
	assert_int_equal(n, 2);
	/* CPU 2 comes up later: its ring is attached by the next wait. */
	s.rings[2] = aligned_alloc(SAKER_PAGE_SIZE, SIM_RING);
	assert_non_null(s.rings[2]);
	s.info->cpus[2].present = 1;
	assert_int_equal(sim_put(&s, 2, 8, 32), 0);
	assert_int_equal(ring_reader_wait(s.r, -1), 1);
	assert_int_equal(ring_reader_next(s.r, &h, &len), 1);
	assert_int_equal(h->cpu, 2);
	sim_done(&s);
}

static void test_stats_and_wait(void **state)
{
	struct saker_ioc_stats st;
	struct saker_cpu_stats cs;
	unsigned prev;
	Sim s;

	(void)state;
	sim_init(&s, 0xf);
	s.info->cpus[0].stats.events = 10;
	s.info->cpus[1].stats.events = 5;
	s.info->cpus[1].stats.drops[SAKER_DROP_RING_FULL] = 3;
	s.info->cpus[3].stats.drops[SAKER_DROP_RING_FULL] = 4;
	s.info->cpus[3].stats.drops[SAKER_DROP_TOO_BIG] = 1;
	s.info->boot_to_realtime_ns = 123;
	assert_int_equal(sim_open(&s), 0);
	assert_int_equal(ring_reader_boot_to_realtime_ns(s.r), 123);
	assert_int_equal(ring_reader_stats(s.r, &st), 0);
	assert_int_equal(st.events, 15);
	assert_int_equal(st.drops[SAKER_DROP_RING_FULL], 7);
	assert_int_equal(st.drops[SAKER_DROP_TOO_BIG], 1);
	assert_int_equal(ring_reader_cpu_stats(s.r, 3, &cs), 0);
	assert_int_equal(cs.drops[SAKER_DROP_RING_FULL], 4);
	assert_int_equal(ring_reader_set_snaplen(s.r, 100), -ENOTTY);
	/* Idle: the interval grows to the maximum. */
	assert_int_equal(ring_reader_poll_interval_ms(s.r), RING_READER_POLL_MIN_MS);
	prev = 0;
	while (ring_reader_poll_interval_ms(s.r) < RING_READER_POLL_MAX_MS) {
		prev = ring_reader_poll_interval_ms(s.r);
		assert_int_equal(ring_reader_wait(s.r, -1), 0);
		assert_true(ring_reader_poll_interval_ms(s.r) > prev);
	}
	assert_int_equal(ring_reader_wait(s.r, -1), 0);
	assert_int_equal(ring_reader_poll_interval_ms(s.r), RING_READER_POLL_MAX_MS);
	/* Busy again: back to the minimum, without sleeping. */
	assert_int_equal(sim_put(&s, 1, 1, 32), 0);
	assert_int_equal(ring_reader_wait(s.r, -1), 1);
	assert_int_equal(ring_reader_poll_interval_ms(s.r), RING_READER_POLL_MIN_MS);
	sim_done(&s);
}

/* Many records of varied sizes through small rings, producer and reader interleaved. */
static void test_large_counts(void **state)
{
	uint64_t ts[SIM_CPUS] = { 0 }, last = 0, n = 0, total = 0, round;
	RingReaderCounters c;
	unsigned cpu, seed = 12345;
	Sim s;

	(void)state;
	sim_init(&s, 0xf);
	assert_int_equal(sim_open(&s), 0);
	for (round = 0; round < 2000; round++) {
		/* Every CPU advances its clock past the last drained ts, so the merge is exact. */
		for (cpu = 0; cpu < SIM_CPUS; cpu++) {
			int k;

			ts[cpu] = MAX(ts[cpu], last);
			for (k = 0; k < 30; k++) {
				uint32_t len;

				seed = seed * 1103515245u + 12345u;
				len = 32 + 8 * ((seed >> 16) % 40);
				ts[cpu] += 1 + (seed >> 8) % 7;
				if (sim_put(&s, cpu, ts[cpu], len) < 0)
					break;
				total++;
			}
		}
		assert_int_equal(drain(&s, &last, &n), 0);
	}
	assert_int_equal(n, total);
	assert_true(total > 100000);
	ring_reader_counters(s.r, &c);
	assert_int_equal(c.records, total);
	assert_int_equal(c.corrupt, 0);
	assert_true(c.pads > 100);
	for (cpu = 0; cpu < SIM_CPUS; cpu++)
		assert_int_equal(sim_tail(&s, cpu), sim_head(&s, cpu));
	sim_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_not_open),
		cmocka_unit_test(test_abi_mismatch),
		cmocka_unit_test(test_order_four_cpus),
		cmocka_unit_test(test_tail_publication),
		cmocka_unit_test(test_producer_respects_tail),
		cmocka_unit_test(test_wrap_pad_and_gap),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_bad_initial_tail),
		cmocka_unit_test(test_absent_and_offline),
		cmocka_unit_test(test_stats_and_wait),
		cmocka_unit_test(test_large_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
