// SPDX-License-Identifier: MIT
/*
 * The JSON-lines writer: decoded records and state entries rendered in the
 * format fixture.c reads.  Whatever the text forms cannot carry exactly
 * (invalid UTF-8, NUL bytes, odd socket payloads, unnamed flag bits) is
 * written as {"hex": ...} or a number, so a record read back is identical.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>

#include "event/fixture.h"
#include "event/flags.h"
#include "event/sockaddr.h"

/* ---- writer ---- */

typedef struct JW {
	StrBuf *sb;
	bool first;
	int r;
} JW;

static void jw_key(JW *w, const char *key)
{
	if (w->r < 0)
		return;
	if (!w->first)
		w->r = strbuf_putc(w->sb, ',');
	w->first = false;
	if (w->r >= 0)
		w->r = strbuf_put_json_string(w->sb, key, strlen(key));
	if (w->r >= 0)
		w->r = strbuf_putc(w->sb, ':');
}

static void jw_raw(JW *w, const char *s)
{
	if (w->r >= 0)
		w->r = strbuf_puts(w->sb, s);
}

static void jw_s64(JW *w, const char *key, int64_t v)
{
	jw_key(w, key);
	if (w->r >= 0)
		w->r = strbuf_printf(w->sb, "%" PRId64, v);
}

static void jw_u64(JW *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	if (w->r < 0)
		return;
	if (v <= INT64_MAX)
		w->r = strbuf_printf(w->sb, "%" PRIu64, v);
	else
		w->r = strbuf_printf(w->sb, "\"%" PRIu64 "\"", v);
}

static bool utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		size_t k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + k >= n)
			return false; /* truncated sequence */
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

static void jw_hex_value(JW *w, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	jw_raw(w, "{\"hex\":\"");
	for (i = 0; i < n && w->r >= 0; i++) {
		char b[2] = { hex[p[i] >> 4], hex[p[i] & 15] };

		w->r = strbuf_append(w->sb, b, 2);
	}
	jw_raw(w, "\"}");
}

/* A string value: JSON text when it is valid UTF-8 without NULs, else hex. */
static void jw_str_value(JW *w, const char *s, size_t n)
{
	if (w->r < 0)
		return;
	if (!memchr(s, 0, n) && utf8_valid((const uint8_t *)s, n))
		w->r = strbuf_put_json_string(w->sb, s, n);
	else
		jw_hex_value(w, (const uint8_t *)s, n);
}

static void jw_str(JW *w, const char *key, const char *s)
{
	if (!s)
		return;
	jw_key(w, key);
	jw_str_value(w, s, strlen(s));
}

/* Flag names when they read back to the same value, else the number. */
static void jw_flags_value(JW *w, enum saker_fmt_set set, uint64_t v)
{
	char buf[FLAGS_RENDER_MAX];
	uint64_t back;

	if (w->r < 0)
		return;
	if (set != SAKER_FMT_NONE && flags_render(set, v, buf, sizeof(buf)) >= 0 &&
	    (buf[0] < '0' || buf[0] > '9') && flags_parse_name(set, buf, &back) == 0 && back == v)
		w->r = strbuf_put_json_string(w->sb, buf, strlen(buf));
	else if (v <= INT64_MAX)
		w->r = strbuf_printf(w->sb, "%" PRIu64, v);
	else
		w->r = strbuf_printf(w->sb, "\"%" PRIu64 "\"", v);
}

/* NUL-separated strings (len bytes) as an array, or hex when not representable. */
static void jw_strarr_value(JW *w, const char *p, size_t len, bool terminated)
{
	size_t i, start;
	bool ok = true;

	/* every string must be UTF-8; the wire form ends with a NUL when terminated */
	if (terminated && (len == 0 || p[len - 1] != 0))
		ok = false;
	if (ok && !utf8_valid((const uint8_t *)p, len))
		ok = false;
	if (!ok) {
		jw_hex_value(w, (const uint8_t *)p, len);
		return;
	}
	jw_raw(w, "[");
	for (i = 0, start = 0; i < len && w->r >= 0; i++) {
		if (p[i] != 0)
			continue;
		if (start)
			jw_raw(w, ",");
		if (w->r >= 0)
			w->r = strbuf_put_json_string(w->sb, p + start, i - start);
		start = i + 1;
	}
	jw_raw(w, "]");
}

static void jw_param(JW *w, const SkEvent *e, unsigned i)
{
	const struct param_info *pi = &e->info->params[i];
	const SkParam *sp = &e->params[i];
	size_t fixed = param_type_size(pi->type);
	StrBuf tmp = { .limit = 4096 };
	uint64_t u = 0;
	int64_t s;

	if (sp->faulted) {
		jw_key(w, pi->name);
		jw_raw(w, "{\"faulted\":true}");
		return;
	}
	if (!sp->data)
		return; /* empty: not written */
	jw_key(w, pi->name);
	if (fixed) {
		if (sp->len != fixed) {
			jw_hex_value(w, sp->data, sp->len);
			return;
		}
		memcpy(&u, sp->data, fixed);
	}
	switch (pi->type) {
	case SAKER_PT_S64:
	case SAKER_PT_FD:
	case SAKER_PT_PID:
	case SAKER_PT_ERRNO:
		memcpy(&s, sp->data, 8);
		if (w->r >= 0)
			w->r = strbuf_printf(w->sb, "%" PRId64, s);
		break;
	case SAKER_PT_S32:
		if (w->r >= 0)
			w->r = strbuf_printf(w->sb, "%" PRId32, (int32_t)(uint32_t)u);
		break;
	case SAKER_PT_MODE:
		if (w->r >= 0)
			w->r = strbuf_printf(w->sb, "\"%#" PRIo64 "\"", u);
		break;
	case SAKER_PT_FLAGS32:
	case SAKER_PT_FLAGS64:
	case SAKER_PT_ENUM32:
	case SAKER_PT_SIG:
		jw_flags_value(w, pi->fmt, u);
		break;
	case SAKER_PT_PATH:
	case SAKER_PT_ABSPATH:
	case SAKER_PT_STR:
		/* the decoder guarantees the terminating NUL */
		jw_str_value(w, (const char *)sp->data, sp->len - 1u);
		break;
	case SAKER_PT_BYTES:
		jw_str_value(w, (const char *)sp->data, sp->len);
		break;
	case SAKER_PT_STRARR:
		jw_strarr_value(w, (const char *)sp->data, sp->len, true);
		break;
	case SAKER_PT_SOCKADDR: {
		uint8_t buf[2 + SK_UNIX_PATH_MAX + 8];
		SkSockaddr a;
		int n;

		/* text only when it encodes back to the same bytes */
		if (sk_sockaddr_decode(sp->data, sp->len, &a) == 0 &&
		    (n = sk_sockaddr_encode(&a, buf, sizeof(buf))) == (int)sp->len &&
		    memcmp(buf, sp->data, sp->len) == 0 &&
		    (a.family != SAKER_AF_UNIX ||
		     (a.path_len > 0 && (a.path[0] == '/' || a.path[0] == '@') &&
		      !memchr(a.path, 0, a.path_len) && utf8_valid((const uint8_t *)a.path, a.path_len))) &&
		    sk_sockaddr_format(&tmp, &a, true) >= 0) {
			if (w->r >= 0)
				w->r = strbuf_put_json_string(w->sb, strbuf_str(&tmp), tmp.len);
		} else {
			jw_hex_value(w, sp->data, sp->len);
		}
		break;
	}
	case SAKER_PT_TUPLE: {
		uint8_t buf[64 + SK_UNIX_PATH_MAX];
		SkTuple t;
		int n;
		uint8_t dflt;

		if (sk_tuple_decode(sp->data, sp->len, &t) == 0 &&
		    (n = sk_tuple_encode(&t, buf, sizeof(buf))) == (int)sp->len &&
		    memcmp(buf, sp->data, sp->len) == 0 &&
		    (t.family != SAKER_AF_UNIX ||
		     (!memchr(t.path, 0, t.path_len) && utf8_valid((const uint8_t *)t.path, t.path_len))) &&
		    sk_tuple_format(&tmp, &t, true) >= 0) {
			dflt = t.family == SAKER_AF_UNIX ? 0 : IPPROTO_TCP;
			if (t.l4proto == dflt) {
				if (w->r >= 0)
					w->r = strbuf_put_json_string(w->sb, strbuf_str(&tmp), tmp.len);
			} else {
				const char *pn = sk_l4proto_name(t.l4proto);

				jw_raw(w, "{\"tuple\":");
				if (w->r >= 0)
					w->r = strbuf_put_json_string(w->sb, strbuf_str(&tmp), tmp.len);
				if (pn && w->r >= 0)
					w->r = strbuf_printf(w->sb, ",\"proto\":\"%s\"}", pn);
				else if (w->r >= 0)
					w->r = strbuf_printf(w->sb, ",\"proto\":%u}", t.l4proto);
			}
		} else {
			jw_hex_value(w, sp->data, sp->len);
		}
		break;
	}
	default:
		/* U16, U32, U64, UID, GID, DEV, INO, NSTIME */
		if (w->r >= 0)
			w->r = u <= INT64_MAX ? strbuf_printf(w->sb, "%" PRIu64, u)
					      : strbuf_printf(w->sb, "\"%" PRIu64 "\"", u);
		break;
	}
	strbuf_done(&tmp);
}

int fixture_write_header(StrBuf *sb, uint64_t boot_ns)
{
	return strbuf_printf(sb, "{\"format\":\"saker-events\",\"version\":1,\"boot_ns\":%" PRIu64 "}",
			     boot_ns);
}

int fixture_write_event(StrBuf *sb, const SkEvent *e, uint64_t boot_ns)
{
	JW w = { .sb = sb, .first = true };
	JW a = { .sb = sb, .first = true };
	unsigned i;

	if (!e->info)
		return -EINVAL;
	jw_raw(&w, "{");
	jw_key(&w, "type");
	if (w.r >= 0)
		w.r = strbuf_put_json_string(sb, e->info->name, strlen(e->info->name));
	jw_u64(&w, "ts", e->ts + boot_ns);
	jw_s64(&w, "tid", e->tid);
	jw_s64(&w, "pid", e->pid);
	if (e->hdr && e->hdr->cpu)
		jw_u64(&w, "cpu", e->hdr->cpu);
	if (e->hdr && (e->hdr->flags & SAKER_EF_TRUNCATED)) {
		jw_key(&w, "truncated");
		jw_raw(&w, "true");
	}
	if (e->hdr && (e->hdr->flags & SAKER_EF_COMPAT)) {
		jw_key(&w, "compat");
		jw_raw(&w, "true");
	}
	jw_key(&w, "args");
	jw_raw(&w, "{");
	a.r = w.r;
	for (i = 0; i < e->nparams && i < e->info->nparams && a.r >= 0; i++)
		jw_param(&a, e, i);
	w.r = a.r;
	jw_raw(&w, "}}");
	return w.r < 0 ? w.r : 0;
}

static void jw_args_array(JW *w, const char *key, const char *p, size_t len)
{
	jw_key(w, key);
	if (!p || len == 0) {
		jw_raw(w, "[]");
		return;
	}
	/* stored without the last terminator, but p[len] is 0: write len + 1 bytes */
	jw_strarr_value(w, p, len + 1, true);
}

int fixture_write_proc(StrBuf *sb, const Proc *p, uint64_t boot_ns)
{
	JW w = { .sb = sb, .first = true };

	jw_raw(&w, "{\"proc\":{");
	jw_s64(&w, "tid", p->tid);
	jw_s64(&w, "pid", p->pid);
	if (p->ptid > 0)
		jw_s64(&w, "ptid", p->ptid);
	jw_s64(&w, "sid", p->sid);
	jw_s64(&w, "pgid", p->pgid);
	jw_s64(&w, "vtid", p->vtid);
	jw_s64(&w, "vpid", p->vpid);
	jw_str(&w, "comm", p->comm);
	jw_str(&w, "exe", p->exe);
	jw_str(&w, "exepath", p->exepath);
	jw_args_array(&w, "args", p->args, p->args_len);
	jw_args_array(&w, "env", p->env, p->env_len);
	jw_str(&w, "cwd", p->cwd);
	jw_str(&w, "cgroups", p->cgroups);
	jw_str(&w, "container_id", p->container ? p->container->full_id : "host");
	jw_u64(&w, "uid", p->uid);
	jw_u64(&w, "gid", p->gid);
	jw_u64(&w, "euid", p->euid);
	jw_u64(&w, "egid", p->egid);
	jw_u64(&w, "suid", p->suid);
	jw_u64(&w, "sgid", p->sgid);
	jw_u64(&w, "loginuid", p->loginuid);
	jw_key(&w, "cap_inheritable");
	jw_flags_value(&w, SAKER_FMT_CAPS, p->cap_inheritable);
	jw_key(&w, "cap_permitted");
	jw_flags_value(&w, SAKER_FMT_CAPS, p->cap_permitted);
	jw_key(&w, "cap_effective");
	jw_flags_value(&w, SAKER_FMT_CAPS, p->cap_effective);
	jw_u64(&w, "tty", p->tty);
	jw_u64(&w, "pidns", p->pidns);
	jw_u64(&w, "netns", p->netns);
	jw_u64(&w, "mntns", p->mntns);
	jw_u64(&w, "userns", p->userns);
	jw_u64(&w, "cgroup_id", p->cgroup_id);
	jw_key(&w, "exe_flags");
	jw_flags_value(&w, SAKER_FMT_EXECVE_FLAGS, p->exe_flags);
	jw_u64(&w, "exe_ino", p->exe_ino);
	jw_u64(&w, "exe_dev", p->exe_dev);
	if (p->clone_ts)
		jw_u64(&w, "clone_ts", p->clone_ts + boot_ns);
	if (p->exec_ts)
		jw_u64(&w, "exec_ts", p->exec_ts + boot_ns);
	if (p->dead) {
		jw_key(&w, "dead");
		jw_raw(&w, "true");
	}
	jw_raw(&w, "}}");
	return w.r < 0 ? w.r : 0;
}

int fixture_write_fd(StrBuf *sb, int64_t tid, int64_t pid, const FdInfo *f)
{
	JW w = { .sb = sb, .first = true };

	jw_raw(&w, "{");
	jw_s64(&w, "tid", tid);
	jw_s64(&w, "pid", pid);
	jw_key(&w, "fd");
	w.first = true;
	jw_raw(&w, "{");
	jw_s64(&w, "fd", f->fd);
	jw_str(&w, "type", fdinfo_type_name(f->type));
	jw_str(&w, "name", f->name);
	jw_key(&w, "flags");
	jw_flags_value(&w, SAKER_FMT_OPEN_FLAGS, f->flags);
	if (f->ino)
		jw_u64(&w, "ino", f->ino);
	if (f->dev)
		jw_u64(&w, "dev", f->dev);
	if (f->family)
		jw_u64(&w, "family", f->family);
	if (f->type == FD_IPV4_SOCK || f->type == FD_IPV6_SOCK) {
		SkTuple t = { .family = f->type == FD_IPV4_SOCK ? SAKER_AF_INET : SAKER_AF_INET6,
			      .l4proto = f->l4proto,
			      .sport = f->sport,
			      .dport = f->dport };
		StrBuf tmp = { .limit = 512 };

		memcpy(t.saddr, f->saddr, 16);
		memcpy(t.daddr, f->daddr, 16);
		if (sk_tuple_format(&tmp, &t, true) >= 0)
			jw_str(&w, "tuple", strbuf_str(&tmp));
		strbuf_done(&tmp);
		if (f->l4proto)
			jw_u64(&w, "proto", f->l4proto);
	}
	if (f->is_server) {
		jw_key(&w, "is_server");
		jw_raw(&w, "true");
	}
	jw_key(&w, "connected");
	jw_raw(&w, f->connected ? "true" : "false");
	jw_raw(&w, "}}");
	return w.r < 0 ? w.r : 0;
}

int fixture_write_container(StrBuf *sb, const Container *c)
{
	JW w = { .sb = sb, .first = true };
	size_t i;

	jw_raw(&w, "{\"container\":{");
	jw_str(&w, "id", c->id);
	jw_str(&w, "full_id", c->full_id);
	jw_str(&w, "runtime", c->runtime);
	jw_str(&w, "name", c->name);
	jw_str(&w, "image", c->image);
	jw_str(&w, "image_repository", c->image_repository);
	jw_str(&w, "image_tag", c->image_tag);
	jw_str(&w, "image_digest", c->image_digest);
	jw_str(&w, "k8s_pod_name", c->k8s_pod_name);
	jw_str(&w, "k8s_ns_name", c->k8s_ns_name);
	jw_str(&w, "k8s_pod_uid", c->k8s_pod_uid);
	if (c->privileged) {
		jw_key(&w, "privileged");
		jw_raw(&w, "true");
	}
	if (c->created_ns)
		jw_u64(&w, "created", c->created_ns);
	if (c->nlabels) {
		jw_key(&w, "labels");
		jw_raw(&w, "[");
		for (i = 0; i < c->nlabels; i++) {
			if (i)
				jw_raw(&w, ",");
			jw_str_value(&w, c->labels[i], strlen(c->labels[i]));
		}
		jw_raw(&w, "]");
	}
	jw_raw(&w, "}}");
	return w.r < 0 ? w.r : 0;
}

int fixture_write_users(StrBuf *sb, const FixtureUser *list, size_t n, bool groups)
{
	JW w = { .sb = sb, .first = true };
	size_t i;

	if (n > FIXTURE_MAX_USERS)
		return -E2BIG;
	jw_raw(&w, groups ? "{\"groups\":[" : "{\"users\":[");
	for (i = 0; i < n; i++) {
		if (i)
			jw_raw(&w, ",");
		jw_raw(&w, "{");
		w.first = true;
		jw_u64(&w, groups ? "gid" : "uid", list[i].id);
		jw_str(&w, "name", list[i].name ? list[i].name : "");
		if (!groups) {
			jw_str(&w, "home", list[i].home);
			jw_str(&w, "shell", list[i].shell);
		}
		jw_raw(&w, "}");
	}
	jw_raw(&w, "]}");
	return w.r < 0 ? w.r : 0;
}
