/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small reader of /dev/saker for the guest tests: opens the device,
 * checks magic and ABI version, maps the info page, the consumer page and
 * every CPU's ring, walks records (skipping PAD), validates each against
 * the event table and gives typed access to parameters.  Single-threaded;
 * the tail is published with a release store after a record is consumed.
 */
#ifndef SAKER_TEST_READER_H
#define SAKER_TEST_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <saker/event.h>
#include <saker/ioctl.h>
#include <saker/ring.h>

struct saker_reader {
	int fd;
	struct saker_ioc_info info;
	const struct saker_ring_info *ri;	/* info page, read-only */
	uint64_t *tails;			/* consumer page */
	const uint8_t **rings;			/* per CPU; NULL without a ring */
	bool corrupt;				/* a record broke the rules */
	char why[256];				/* what broke */
};

/* Open, check, map everything.  0 or -errno (why says what failed). */
int saker_reader_open(struct saker_reader *r);
void saker_reader_close(struct saker_reader *r);

int saker_reader_start(struct saker_reader *r);
int saker_reader_stop(struct saker_reader *r);
int saker_reader_select(struct saker_reader *r, const int *types, size_t n);
int saker_reader_select_all(struct saker_reader *r);
int saker_reader_snaplen(struct saker_reader *r, uint32_t snaplen);
int saker_reader_exclude(struct saker_reader *r, uint32_t tgid);
int saker_reader_stats(struct saker_reader *r, struct saker_ioc_stats *st);

/* Next record of @cpu (PAD skipped), NULL when none or corrupt. */
const struct saker_event_hdr *saker_reader_peek(struct saker_reader *r,
						unsigned int cpu);
void saker_reader_consume(struct saker_reader *r, unsigned int cpu,
			  const struct saker_event_hdr *h);

/* Collected copies of records, for the tests to search. */
struct saker_evlist {
	size_t n, cap;
	struct saker_event_hdr **ev;
};

/* Drain every ring into @l (copies); returns records added, -1 corrupt. */
long saker_reader_collect(struct saker_reader *r, struct saker_evlist *l);
void saker_evlist_free(struct saker_evlist *l);

/* Event table lookups. */
const char *saker_event_name(unsigned int type);
unsigned int saker_event_nparams(unsigned int type);
const char *saker_param_name(unsigned int type, unsigned int i);
int saker_param_index(unsigned int type, const char *name);
enum saker_param_type saker_param_type(unsigned int type, unsigned int i);

/* A record against the table: 0, or -1 with @why filled. */
int saker_event_check(const struct saker_event_hdr *h, char *why, size_t n);

/* Parameter access by name (NULL/0 when absent). */
const void *saker_param(const struct saker_event_hdr *h, const char *name,
			uint16_t *len, bool *fault);
bool saker_param_faulted(const struct saker_event_hdr *h, const char *name);
int64_t saker_param_int(const struct saker_event_hdr *h, const char *name);
const char *saker_param_str(const struct saker_event_hdr *h, const char *name);

void saker_event_print(FILE *f, const struct saker_event_hdr *h);

#endif /* SAKER_TEST_READER_H */
