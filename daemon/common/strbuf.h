/* SPDX-License-Identifier: MIT */
/*
 * A growable, NUL-terminated byte buffer with a hard size cap, used by the
 * formatters and parsers.  Appends fail with -ENOMEM or -E2BIG instead of
 * growing without bound.
 */
#ifndef SAKER_STRBUF_H
#define SAKER_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

typedef struct StrBuf {
	char *buf;
	size_t len;
	size_t cap;
	size_t limit; /* 0: STRBUF_DEFAULT_LIMIT */
	bool failed;  /* sticky: an append failed */
} StrBuf;

/* Default cap for one buffer (output lines, error messages, JSON objects). */
#define STRBUF_DEFAULT_LIMIT (16u * 1024u * 1024u)

int strbuf_append(StrBuf *sb, const char *s, size_t n);
int strbuf_puts(StrBuf *sb, const char *s);
int strbuf_putc(StrBuf *sb, char c);
int strbuf_printf(StrBuf *sb, const char *fmt, ...) _printf_(2, 3);
int strbuf_vprintf(StrBuf *sb, const char *fmt, va_list ap) _printf_(2, 0);
/* Append s as a JSON string literal (with quotes), escaping per RFC 8259. */
int strbuf_put_json_string(StrBuf *sb, const char *s, size_t n);
void strbuf_reset(StrBuf *sb);
void strbuf_done(StrBuf *sb);
/* Detach the buffer (never NULL on success; "" for an empty buffer). */
char *strbuf_steal(StrBuf *sb);
static inline const char *strbuf_str(const StrBuf *sb)
{
	return sb->buf ? sb->buf : "";
}

#endif /* SAKER_STRBUF_H */
