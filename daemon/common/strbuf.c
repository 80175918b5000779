// SPDX-License-Identifier: MIT
/*
 * Growable string buffer with a size cap.  See strbuf.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static int strbuf_reserve(StrBuf *sb, size_t extra)
{
	size_t limit = sb->limit ? sb->limit : STRBUF_DEFAULT_LIMIT;
	size_t need, ncap;
	char *n;

	if (sb->failed)
		return -ENOMEM;
	if (extra > limit || sb->len + extra + 1 > limit) {
		sb->failed = true;
		return -E2BIG;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return 0;
	ncap = sb->cap ? sb->cap : 64;
	while (ncap < need)
		ncap *= 2;
	if (ncap > limit)
		ncap = limit;
	n = realloc(sb->buf, ncap);
	if (!n) {
		sb->failed = true;
		return -ENOMEM;
	}
	sb->buf = n;
	sb->cap = ncap;
	return 0;
}

int strbuf_append(StrBuf *sb, const char *s, size_t n)
{
	int r = strbuf_reserve(sb, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = 0;
	return 0;
}

int strbuf_puts(StrBuf *sb, const char *s)
{
	return strbuf_append(sb, s, strlen(s));
}

int strbuf_putc(StrBuf *sb, char c)
{
	return strbuf_append(sb, &c, 1);
}

int strbuf_vprintf(StrBuf *sb, const char *fmt, va_list ap)
{
	va_list aq;
	int n, r;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -EINVAL;
	r = strbuf_reserve(sb, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

int strbuf_printf(StrBuf *sb, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), 0 when
 * it is not one: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

int strbuf_put_json_string(StrBuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	int r;

	r = strbuf_putc(sb, '"');
	for (i = 0; r >= 0 && i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			r = strbuf_append(sb, "\\\"", 2);
			break;
		case '\\':
			r = strbuf_append(sb, "\\\\", 2);
			break;
		case '\n':
			r = strbuf_append(sb, "\\n", 2);
			break;
		case '\r':
			r = strbuf_append(sb, "\\r", 2);
			break;
		case '\t':
			r = strbuf_append(sb, "\\t", 2);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

				r = strbuf_append(sb, e, 6);
			} else if (c < 0x80) {
				r = strbuf_putc(sb, (char)c);
			} else {
				size_t l = utf8_len((const unsigned char *)s + i, n - i);

				if (l) {
					r = strbuf_append(sb, s + i, l);
					i += l - 1;
				} else {
					/* not UTF-8 (a Latin-1 file name): the byte as the text \xNN,
					 * as the syslog output writes it, so the JSON stays valid */
					char e[6] = { '\\', '\\', 'x', hex[c >> 4], hex[c & 15] };

					r = strbuf_append(sb, e, 5);
				}
			}
		}
	}
	if (r >= 0)
		r = strbuf_putc(sb, '"');
	return r;
}

void strbuf_reset(StrBuf *sb)
{
	sb->len = 0;
	sb->failed = false;
	if (sb->buf)
		sb->buf[0] = 0;
}

void strbuf_done(StrBuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->failed = false;
}

char *strbuf_steal(StrBuf *sb)
{
	char *p = sb->buf;

	if (!p)
		p = strdup("");
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}
