// SPDX-License-Identifier: MIT
/*
 * Decoder of raw saker records.  Every length and offset is checked against
 * the bytes actually available before anything is read.
 */
#include <errno.h>
#include <string.h>

#include "common/macro.h"
#include "event/decode.h"

static bool is_string_type(enum saker_param_type t)
{
	return t == SAKER_PT_PATH || t == SAKER_PT_ABSPATH || t == SAKER_PT_STR;
}

int sk_event_decode(const void *buf, size_t len, SkEvent *ret)
{
	const struct saker_event_hdr *h = buf;
	const uint8_t *p = buf;
	const uint8_t *lens;
	size_t off, rlen;
	unsigned i, n;

	if (len < sizeof(*h))
		return -EBADMSG;
	rlen = h->len;
	/* records are padded to SAKER_EVENT_ALIGN: the next one starts aligned */
	if (rlen < sizeof(*h) || rlen > len || rlen > SAKER_EVENT_MAX_LEN ||
	    rlen % SAKER_EVENT_ALIGN)
		return -EBADMSG;
	if (h->type >= SAKER_EVT_MAX || h->nparams > SAKER_MAX_PARAMS)
		return -EBADMSG;
	off = sizeof(*h) + (size_t)h->nparams * 2;
	if (off > rlen)
		return -EBADMSG;

	memset(ret, 0, offsetof(SkEvent, params));
	ret->hdr = h;
	ret->info = event_info_get(h->type);
	ret->ts = h->ts;
	ret->tid = h->tid;
	ret->pid = h->pid;
	ret->type = h->type;
	n = MIN(h->nparams, ret->info->nparams);
	lens = p + sizeof(*h);
	for (i = 0; i < h->nparams; i++) {
		uint16_t w;
		size_t plen;

		memcpy(&w, lens + 2 * i, 2);
		plen = w & SAKER_PARAM_LEN_MASK;
		if (plen > rlen - off)
			return -EBADMSG;
		if (i < n) {
			enum saker_param_type t = ret->info->params[i].type;
			size_t fixed = ret->info->params[i].size;
			SkParam *sp = &ret->params[i];

			*sp = (SkParam){ 0 };
			sp->faulted = (w & SAKER_PARAM_FAULT) != 0;
			if (sp->faulted && plen != 0)
				return -EBADMSG;
			if (plen > 0) {
				if (fixed && plen != fixed)
					return -EBADMSG;
				if (is_string_type(t) && p[off + plen - 1] != 0)
					return -EBADMSG;
				sp->data = p + off;
				sp->len = (uint16_t)plen;
			}
		}
		off += plen;
	}
	for (i = n; i < ret->info->nparams && i < SAKER_MAX_PARAMS; i++)
		ret->params[i] = (SkParam){ 0 };
	ret->nparams = (uint16_t)ret->info->nparams;
	return (int)rlen;
}

static const SkParam *param(const SkEvent *e, unsigned idx)
{
	if (idx >= e->nparams || !e->params[idx].data)
		return NULL;
	return &e->params[idx];
}

int sk_event_get_s64(const SkEvent *e, unsigned idx, int64_t *ret)
{
	const SkParam *p = param(e, idx);

	if (!p)
		return -ENOENT;
	switch (p->len) {
	case 8: {
		int64_t v;

		memcpy(&v, p->data, 8);
		*ret = v;
		return 0;
	}
	case 4: {
		int32_t v;
		enum saker_param_type t = e->info->params[idx].type;

		memcpy(&v, p->data, 4);
		*ret = t == SAKER_PT_S32 ? (int64_t)v : (int64_t)(uint32_t)v;
		return 0;
	}
	case 2: {
		uint16_t v;

		memcpy(&v, p->data, 2);
		*ret = v;
		return 0;
	}
	default:
		return -EBADMSG;
	}
}

int sk_event_get_u64(const SkEvent *e, unsigned idx, uint64_t *ret)
{
	int64_t v;
	int r = sk_event_get_s64(e, idx, &v);

	if (r < 0)
		return r;
	*ret = (uint64_t)v;
	return 0;
}

int sk_event_get_str(const SkEvent *e, unsigned idx, const char **ret)
{
	const SkParam *p = param(e, idx);

	if (!p)
		return -ENOENT;
	if (!is_string_type(e->info->params[idx].type))
		return -EBADMSG;
	*ret = (const char *)p->data;
	return 0;
}

int sk_event_param_by_name(const SkEvent *e, const char *name, unsigned *ret_idx)
{
	int i = event_param_index(e->info, name);

	if (i < 0)
		return i;
	*ret_idx = (unsigned)i;
	return 0;
}

int sk_event_res(const SkEvent *e, int64_t *ret)
{
	return sk_event_get_s64(e, 0, ret);
}
