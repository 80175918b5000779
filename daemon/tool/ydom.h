/* SPDX-License-Identifier: MIT */
/*
 * A small YAML document tree with positions, for the tool's own YAML inputs
 * (rule test cases) and config files: parsed with libyaml, depth- and
 * size-limited, convertible to JSON text so YAML-written events can feed the
 * JSON-lines event reader.
 */
#ifndef SAKER_YDOM_H
#define SAKER_YDOM_H

#include <stdbool.h>
#include <stddef.h>

#include "common/macro.h"
#include "common/strbuf.h"

typedef enum YType {
	Y_SCALAR,
	Y_SEQ,
	Y_MAP,
} YType;

typedef struct YNode YNode;
struct YNode {
	YType type;
	unsigned line, col; /* 1-based */
	char *value;	    /* Y_SCALAR */
	size_t len;
	bool quoted;	/* scalar was quoted or a block scalar: always a string */
	YNode **items;	/* Y_SEQ: items; Y_MAP: key, value, key, value... */
	size_t nitems;
};

/* Limits for YAML the tool reads (config, test cases). */
#define YDOM_MAX_DEPTH 64
#define YDOM_MAX_NODES 1000000
#define YDOM_MAX_BYTES (64u * 1024u * 1024u)

/*
 * Parse the first document of buf.  On error returns -EINVAL and a message
 * "LINE:COL: problem" in *ret_err (malloc'd).  An empty document gives a
 * NULL tree and 0.
 */
int ydom_parse(const char *buf, size_t len, YNode **ret, char **ret_err);
YNode *ydom_free(YNode *n);
DEFINE_TRIVIAL_CLEANUP_FUNC(YNode *, ydom_free);

/* Value of key in a map, or NULL. */
const YNode *ydom_get(const YNode *map, const char *key);
bool ydom_is_scalar(const YNode *n);
/* Scalar as bool / long long; -EINVAL when not one. */
int ydom_bool(const YNode *n, bool *ret);
int ydom_int(const YNode *n, long long *ret);
/* Append n as JSON (plain scalars that look like numbers, true/false/null become JSON literals). */
int ydom_to_json(const YNode *n, StrBuf *out);

#endif /* SAKER_YDOM_H */
