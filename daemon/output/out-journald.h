/* SPDX-License-Identifier: MIT */
/*
 * The journald output (DESIGN.md decision 6): every alert becomes one
 * structured journal entry sent with sd_journal_sendv(), with a MESSAGE_ID
 * per rule for the message catalog and one SAKER_* field per output field.
 * The pure parts (field names, MESSAGE_ID, the entry) are exported for the
 * tests and for `saker catalog`; docs/journald.md is the reference.
 */
#ifndef SAKER_OUT_JOURNALD_H
#define SAKER_OUT_JOURNALD_H

#include <stddef.h>
#include <sys/uio.h>

#include "common/strbuf.h"
#include "output/outputs.h"

/* The socket libsystemd sends to (fixed in libsystemd, no override). */
#define JOURNALD_SOCKET_PATH "/run/systemd/journal/socket"
/* journald drops (silently) fields whose name is longer. */
#define JOURNALD_FIELD_NAME_MAX 64
/* Every field this output names starts with it. */
#define JOURNALD_FIELD_PREFIX "SAKER_"
/* Output fields sent as SAKER_* fields; the rest is only in SAKER_JSON (journald takes 1024). */
#define JOURNALD_MAX_OUTPUT_FIELDS 256
/* Bytes of one entry (fields, names and SAKER_JSON); a bigger alert is an error. */
#define JOURNALD_ENTRY_MAX_BYTES (16u * 1024u * 1024u)
/* A MESSAGE_ID: 128 bits as 32 lowercase hexadecimal digits. */
#define JOURNALD_MESSAGE_ID_LEN 32
/* The UUID namespace of MESSAGE_IDs: MESSAGE_ID = UUIDv5(this, rule name). */
#define JOURNALD_MESSAGE_ID_NAMESPACE "997d1101-3503-49d9-8e8f-2e33585d8163"
/* SYSLOG_FACILITY when the configuration names none. */
#define JOURNALD_DEFAULT_FACILITY "authpriv"

/*
 * Add the journald sink: facility is a syslog facility name (kern, user,
 * ..., authpriv, local0 ... local7; NULL: authpriv).  journald need not run
 * yet: an unreachable journald costs the alerts sent meanwhile (counted,
 * reported once on stderr), never the start-up.
 */
int outputs_add_journald(Outputs *o, const char *facility, char *errbuf, size_t errlen);

/* The number of a syslog facility name ("authpriv" -> 10), or -EINVAL. */
int journald_facility_from_name(const char *name);

/*
 * The MESSAGE_ID of the rule named by name[0..len): the name-based UUID
 * (version 5, SHA-1) of those bytes in JOURNALD_MESSAGE_ID_NAMESPACE,
 * written as 32 lowercase hex digits and a NUL into ret.  The same on every
 * host and release; python3: uuid.uuid5(uuid.UUID(NAMESPACE), name).hex.
 */
void journald_message_id(const char *name, size_t len, char ret[JOURNALD_MESSAGE_ID_LEN + 1]);

/*
 * The journal field name of an output field (before collisions are
 * resolved): ASCII letters upper-cased, digits kept, every run of other
 * bytes one '_', none at either end ("proc.aname[2]" -> "PROC_ANAME_2"; an
 * empty result is "FIELD"), JOURNALD_FIELD_PREFIX in front, cut to
 * JOURNALD_FIELD_NAME_MAX characters.  Writes a NUL-terminated name into
 * ret and returns its length.
 */
size_t journald_field_name(const char *name, char ret[JOURNALD_FIELD_NAME_MAX + 1]);

/*
 * One alert as a journal entry: fields holds the "NAME=value" fields back
 * to back, iov one entry per field for sd_journal_sendv().  Reused from one
 * alert to the next.
 */
typedef struct JournaldEntry {
	StrBuf fields;
	StrBuf json; /* SAKER_JSON's value, rendered first */
	struct iovec *iov;
	size_t niov;
	size_t iov_cap;
	size_t *ends; /* where each field ends in fields (iov_base set once it stopped growing) */
	char (*names)[JOURNALD_FIELD_NAME_MAX + 1]; /* output field names, after collisions */
	size_t names_cap;
	int error; /* the first failed append of the entry being built */
} JournaldEntry;

/*
 * Fill e for a (facility: a syslog facility number): MESSAGE, PRIORITY,
 * SYSLOG_IDENTIFIER=sakerd, SYSLOG_FACILITY, MESSAGE_ID, SAKER_RULE,
 * SAKER_PRIORITY, SAKER_TAGS, SAKER_SOURCE, SAKER_HOSTNAME, SAKER_JSON, then
 * one field per output field (at most JOURNALD_MAX_OUTPUT_FIELDS) in output
 * order.  A name already taken, by the fields above or an earlier output
 * field, gets the first free suffix of "_2", "_3"...  Values are copied
 * byte for byte.  Returns 0, -EINVAL for an alert without rule or with an
 * unknown priority, -E2BIG when the entry would pass JOURNALD_ENTRY_MAX_BYTES
 * (its output and values alone take half of it) or -ENOMEM.
 */
int journald_entry_build(JournaldEntry *e, const Alert *a, int facility);
void journald_entry_done(JournaldEntry *e);

#endif /* SAKER_OUT_JOURNALD_H */
