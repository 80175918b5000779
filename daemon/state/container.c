// SPDX-License-Identifier: MIT
/*
 * Container identity from cgroup paths and metadata from runtime config
 * files.  Both are attacker-influenced text (a container chooses its own
 * labels; cgroup names come from the runtime), so every string is bounded
 * and the JSON parsers limit size and nesting.
 */
#include <errno.h>
#include <libfastjson/json.h>
#include <string.h>

#include "common/strbuf.h"
#include "state/container.h"

bool container_is_hex_id(const char *s, size_t len)
{
	size_t i;

	if (len != 64)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

char *container_short_id(const char *full_id)
{
	size_t n = strnlen(full_id, CONTAINER_MAX_ID);

	if (container_is_hex_id(full_id, n))
		n = CONTAINER_SHORT_ID_LEN;
	return strndup(full_id, n);
}

/* ---- cgroup paths ---- */

typedef struct Span {
	const char *p;
	size_t n;
} Span;

static bool span_eq(Span s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static bool span_prefix(Span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static bool span_suffix(Span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

/* "<prefix><64hex><suffix>" with suffix "" or ".scope": the id, or len 0. */
static Span match_hex(Span c, const char *prefix)
{
	Span id = { NULL, 0 };
	size_t pl = strlen(prefix);
	size_t rest;

	if (!span_prefix(c, prefix))
		return id;
	rest = c.n - pl;
	if (rest == 64 + strlen(".scope") && span_suffix(c, ".scope"))
		rest = 64;
	if (rest != 64 || !container_is_hex_id(c.p + pl, 64))
		return id;
	id.p = c.p + pl;
	id.n = 64;
	return id;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* systemd unit name unescaping ("\x2d" -> '-'), bounded. */
static char *unit_unescape(const char *p, size_t n)
{
	char *out, *o;
	size_t i;

	if (n >= CONTAINER_MAX_ID)
		n = CONTAINER_MAX_ID - 1;
	out = o = malloc(n + 1);
	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		if (p[i] == '\\' && i + 3 < n && p[i + 1] == 'x' && hexval(p[i + 2]) >= 0 &&
		    hexval(p[i + 3]) >= 0 && (hexval(p[i + 2]) | hexval(p[i + 3])) != 0) {
			*o++ = (char)(hexval(p[i + 2]) * 16 + hexval(p[i + 3]));
			i += 3;
			continue;
		}
		*o++ = p[i];
	}
	*o = 0;
	return out;
}

typedef struct CgroupMatch {
	const char *runtime; /* NULL: nothing matched yet */
	Span id;	     /* verbatim */
	bool unescape;	     /* systemd-escaped machine name */
	bool host;	     /* matched a host-side process (conmon, VM) */
} CgroupMatch;

/* Look at one path; true when it decided (container or explicit host). */
static bool match_path(Span path, CgroupMatch *m)
{
	bool kube = false, machine_slice = false, lxc_parent = false;
	Span c;
	size_t i = 0;

	while (i < path.n) {
		size_t j;
		Span id;

		while (i < path.n && path.p[i] == '/')
			i++;
		j = i;
		while (j < path.n && path.p[j] != '/')
			j++;
		c.p = path.p + i;
		c.n = j - i;
		i = j;
		if (c.n == 0)
			break;

		if (span_prefix(c, "crio-conmon-") || span_prefix(c, "libpod-conmon-")) {
			m->host = true;
			return true;
		}
		if ((id = match_hex(c, "docker-")).n) {
			m->runtime = "docker";
			m->id = id;
			return true;
		}
		if ((id = match_hex(c, "cri-containerd-")).n || (id = match_hex(c, "nerdctl-")).n) {
			m->runtime = "containerd";
			m->id = id;
			return true;
		}
		if ((id = match_hex(c, "crio-")).n) {
			m->runtime = "cri-o";
			m->id = id;
			return true;
		}
		if ((id = match_hex(c, "libpod-")).n) {
			m->runtime = "podman";
			m->id = id;
			return true;
		}
		if (c.n > 65 && c.p[c.n - 65] == ':' && container_is_hex_id(c.p + c.n - 64, 64)) {
			/* systemd driver on cgroup v1: "<slice>:<runtime>:<id>" */
			Span head = { c.p, c.n - 65 };

			if (span_suffix(head, ":docker"))
				m->runtime = "docker";
			else if (span_suffix(head, ":crio"))
				m->runtime = "cri-o";
			else
				m->runtime = "containerd";
			m->id.p = c.p + c.n - 64;
			m->id.n = 64;
			return true;
		}
		if (container_is_hex_id(c.p, c.n)) {
			/* a bare id: cgroupfs drivers (docker, kubelet, ECS) */
			m->runtime = kube ? "containerd" : "docker";
			m->id = c;
			return true;
		}
		if (machine_slice && span_prefix(c, "machine-") && span_suffix(c, ".scope")) {
			Span name = { c.p + 8, c.n - 8 - 6 };

			if (name.n == 0)
				continue;
			if (span_prefix(name, "qemu")) {
				m->host = true; /* a libvirt VM's qemu process */
				return true;
			}
			if (span_prefix(name, "lxc\\x2d")) {
				m->runtime = "libvirt-lxc";
				name.p += 7;
				name.n -= 7;
			} else {
				m->runtime = "systemd-nspawn";
			}
			if (name.n == 0)
				return false;
			m->id = name;
			m->unescape = true;
			return true;
		}
		if (span_prefix(c, "systemd-nspawn@") && span_suffix(c, ".service") &&
		    c.n > 15 + 8) {
			m->runtime = "systemd-nspawn";
			m->id.p = c.p + 15;
			m->id.n = c.n - 15 - 8;
			m->unescape = true;
			return true;
		}
		if (span_prefix(c, "lxc.payload.") && c.n > 12) {
			m->runtime = "lxc";
			m->id.p = c.p + 12;
			m->id.n = c.n - 12;
			return true;
		}
		if (lxc_parent && !span_prefix(c, "lxc.")) {
			m->runtime = "lxc";
			m->id = c;
			return true;
		}
		kube = kube || span_eq(c, "kubepods") || span_prefix(c, "kubepods.") ||
		       span_prefix(c, "kubepods-");
		machine_slice = span_eq(c, "machine.slice");
		lxc_parent = span_eq(c, "lxc") || span_eq(c, "lxc.payload");
	}
	return false;
}

/* Split cgroup text into paths: lines, "N:ctrl:path" and "ctrl=path" forms. */
static bool match_cgroups(const char *text, CgroupMatch *m)
{
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n');
		Span path;
		const char *colon, *eq;
		size_t n = end ? (size_t)(end - line) : strlen(line);

		path.p = line;
		path.n = n;
		if (n > 0 && line[0] >= '0' && line[0] <= '9' &&
		    (colon = memchr(line, ':', n)) && (colon = memchr(colon + 1, ':',
								       n - (size_t)(colon + 1 - line)))) {
			path.p = colon + 1;
			path.n = n - (size_t)(path.p - line);
		} else if (n > 0 && line[0] != '/' && (eq = memchr(line, '=', n))) {
			path.p = eq + 1;
			path.n = n - (size_t)(path.p - line);
		}
		if (match_path(path, m))
			return true;
		if (!end)
			break;
		line = end + 1;
	}
	return false;
}

int container_id_from_cgroup(const char *cgroup_path, char **ret_id, const char **ret_runtime)
{
	CgroupMatch m = { 0 };
	char *id;

	*ret_id = NULL;
	*ret_runtime = "host";
	if (!cgroup_path || !match_cgroups(cgroup_path, &m) || m.host || !m.runtime)
		return 0;
	if (m.unescape)
		id = unit_unescape(m.id.p, m.id.n);
	else
		id = strndup(m.id.p, MIN(m.id.n, (size_t)CONTAINER_MAX_ID - 1));
	if (!id)
		return -ENOMEM;
	*ret_id = id;
	*ret_runtime = m.runtime;
	return 1;
}

char *container_pod_uid_from_cgroup(const char *cgroup_path)
{
	const char *p = cgroup_path;

	if (!p)
		return NULL;
	while ((p = strstr(p, "pod")) != NULL) {
		const char *start = p + 3, *q = start;
		char *uid;
		size_t n, i;

		/* "pod<uid>" is a whole component or ends a kubepods-*-pod<uid>.slice */
		if (p > cgroup_path && p[-1] != '/' && p[-1] != '-') {
			p = start;
			continue;
		}
		while ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || *q == '-' || *q == '_')
			q++;
		n = (size_t)(q - start);
		if (n == 36 && (*q == '/' || *q == 0 || *q == '\n' || strncmp(q, ".slice", 6) == 0)) {
			uid = strndup(start, n);
			if (!uid)
				return NULL;
			for (i = 0; i < n; i++)
				if (uid[i] == '_')
					uid[i] = '-';
			return uid;
		}
		p = start;
	}
	return NULL;
}

/* ---- labels and images ---- */

const char *container_label(const Container *c, const char *key)
{
	size_t kl = strlen(key), i;

	for (i = 0; i < c->nlabels; i++)
		if (strncmp(c->labels[i], key, kl) == 0 && c->labels[i][kl] == '=')
			return c->labels[i] + kl + 1;
	return NULL;
}

static void labels_clear(Container *c)
{
	size_t i;

	for (i = 0; i < c->nlabels; i++)
		free(c->labels[i]);
	free(c->labels);
	c->labels = NULL;
	c->nlabels = 0;
}

int container_add_label(Container *c, const char *key, const char *value)
{
	StrBuf sb = { .limit = STATE_MAX_LABEL_BYTES };
	size_t kl = strlen(key), i;
	char *l, **n;
	int r;

	if (kl == 0)
		return 0;
	if ((r = strbuf_puts(&sb, key)) < 0 || (r = strbuf_putc(&sb, '=')) < 0 ||
	    (r = strbuf_puts(&sb, value)) < 0) {
		strbuf_done(&sb);
		/* over STATE_MAX_LABEL_BYTES: the label is skipped, not an error */
		return r == -E2BIG ? 0 : r;
	}
	l = strbuf_steal(&sb);
	if (!l)
		return -ENOMEM;
	for (i = 0; i < c->nlabels; i++)
		if (strncmp(c->labels[i], key, kl) == 0 && c->labels[i][kl] == '=') {
			free(c->labels[i]);
			c->labels[i] = l;
			return 0;
		}
	if (c->nlabels >= STATE_MAX_LABELS) {
		free(l);
		return 0;
	}
	n = reallocarray(c->labels, c->nlabels + 1, sizeof(*n));
	if (!n) {
		free(l);
		return -ENOMEM;
	}
	c->labels = n;
	c->labels[c->nlabels++] = l;
	return 0;
}

int container_set_labels(Container *c, const char *const *labels, size_t n)
{
	size_t i;

	labels_clear(c);
	for (i = 0; i < n; i++) {
		const char *eq = strchr(labels[i], '=');
		_cleanup_free_ char *key = NULL;
		int r;

		if (!eq)
			continue;
		key = strndup(labels[i], (size_t)(eq - labels[i]));
		if (!key)
			return -ENOMEM;
		r = container_add_label(c, key, eq + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

static int replace_str(char **dst, const char *p, size_t n)
{
	char *v;

	if (n >= CONTAINER_MAX_STR)
		n = CONTAINER_MAX_STR - 1;
	v = strndup(p, n);
	if (!v)
		return -ENOMEM;
	free(*dst);
	*dst = v;
	return 0;
}

int container_split_image(Container *c)
{
	const char *img = c->image, *at, *slash, *colon, *end;
	int r;

	if (!img)
		return 0;
	end = img + strlen(img);
	at = strchr(img, '@');
	if (at) {
		r = replace_str(&c->image_digest, at + 1, strlen(at + 1));
		if (r < 0)
			return r;
		end = at;
	}
	slash = NULL;
	for (const char *p = img; p < end; p++)
		if (*p == '/')
			slash = p;
	colon = NULL;
	for (const char *p = slash ? slash : img; p < end; p++)
		if (*p == ':')
			colon = p;
	if (colon) {
		r = replace_str(&c->image_tag, colon + 1, (size_t)(end - colon - 1));
		if (r < 0)
			return r;
		end = colon;
	}
	return replace_str(&c->image_repository, img, (size_t)(end - img));
}

/* ---- time ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, int n, int *ret)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return true;
}

int time_parse_rfc3339(const char *s, uint64_t *ret_ns)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	uint64_t frac = 0, scale = 1000000000ull;
	int64_t days, total;
	const char *p;

	if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return -EINVAL;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		while (*p >= '0' && *p <= '9') {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
			p++;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && digits(p + 1, 2, &oh) && p[3] == ':' &&
		   digits(p + 4, 2, &om)) {
		int sign = *p == '+' ? 1 : -1;

		if (oh > 23 || om > 59)
			return -EINVAL;
		oh *= sign;
		om *= sign;
		p += 6;
	} else {
		return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	total = days * 86400 + h * 3600 + mi * 60 + sec - (oh * 3600 + om * 60);
	if (total < 0)
		return -EINVAL;
	*ret_ns = (uint64_t)total * 1000000000ull + frac;
	return 0;
}

/* ---- JSON access ---- */

static void json_putp(struct fjson_object **o)
{
	if (*o)
		fjson_object_put(*o);
}

static int json_parse(const char *json, size_t len, struct fjson_object **ret)
{
	struct fjson_tokener *tok;
	struct fjson_object *o;
	int off;

	if (len > CONTAINER_MAX_CONFIG)
		return -E2BIG;
	tok = fjson_tokener_new_ex(CONTAINER_JSON_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	fjson_tokener_set_flags(tok, FJSON_TOKENER_STRICT);
	o = fjson_tokener_parse_ex(tok, json, (int)len);
	off = tok->char_offset;
	if (fjson_tokener_get_error(tok) != fjson_tokener_success || !o) {
		fjson_tokener_free(tok);
		if (o)
			fjson_object_put(o);
		return -EBADMSG;
	}
	fjson_tokener_free(tok);
	/* only whitespace may follow */
	for (; (size_t)off < len; off++)
		if (json[off] != ' ' && json[off] != '\n' && json[off] != '\r' && json[off] != '\t') {
			fjson_object_put(o);
			return -EBADMSG;
		}
	*ret = o;
	return 0;
}

static struct fjson_object *jget(struct fjson_object *o, const char *key)
{
	struct fjson_object *v = NULL;

	if (!o || !fjson_object_is_type(o, fjson_type_object))
		return NULL;
	if (!fjson_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* The string at key, or NULL (absent, not a string, embedded NUL). */
static const char *jstr(struct fjson_object *o, const char *key)
{
	struct fjson_object *v = jget(o, key);
	const char *s;

	if (!v || !fjson_object_is_type(v, fjson_type_string))
		return NULL;
	s = fjson_object_get_string(v);
	if (!s || strlen(s) != (size_t)fjson_object_get_string_len(v))
		return NULL;
	return s;
}

static int set_jstr(char **dst, struct fjson_object *o, const char *key)
{
	const char *s = jstr(o, key);

	if (!s || !*s)
		return 0;
	return replace_str(dst, s, strlen(s));
}

/* Copy a JSON object of string values into c's labels. */
static int labels_from_object(Container *c, struct fjson_object *o)
{
	struct fjson_object_iterator it, end;
	int r;

	if (!o || !fjson_object_is_type(o, fjson_type_object))
		return 0;
	labels_clear(c);
	it = fjson_object_iter_begin(o);
	end = fjson_object_iter_end(o);
	for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
		struct fjson_object *v = fjson_object_iter_peek_value(&it);
		const char *k = fjson_object_iter_peek_name(&it);

		if (!v || !fjson_object_is_type(v, fjson_type_string))
			continue;
		r = container_add_label(c, k, fjson_object_get_string(v));
		if (r < 0)
			return r;
	}
	return 0;
}

static int set_time(Container *c, const char *s)
{
	uint64_t ns;

	if (s && time_parse_rfc3339(s, &ns) == 0)
		c->created_ns = ns;
	return 0;
}

/* Pod fields from the well-known Kubernetes label names. */
static int k8s_from_labels(Container *c)
{
	static const struct {
		const char *label;
		size_t off;
	} map[] = {
		{ "io.kubernetes.pod.name", offsetof(Container, k8s_pod_name) },
		{ "io.kubernetes.pod.namespace", offsetof(Container, k8s_ns_name) },
		{ "io.kubernetes.pod.uid", offsetof(Container, k8s_pod_uid) },
	};
	size_t i;

	for (i = 0; i < ELEMENTSOF(map); i++) {
		const char *v = container_label(c, map[i].label);
		char **dst = (char **)((char *)c + map[i].off);
		int r;

		if (v && *v && !*dst && (r = replace_str(dst, v, strlen(v))) < 0)
			return r;
	}
	return 0;
}

static bool has_cap_sys_admin(struct fjson_object *caps)
{
	int i, n;

	if (!caps || !fjson_object_is_type(caps, fjson_type_array))
		return false;
	n = fjson_object_array_length(caps);
	for (i = 0; i < n; i++) {
		struct fjson_object *v = fjson_object_array_get_idx(caps, i);

		if (v && fjson_object_is_type(v, fjson_type_string) &&
		    strcmp(fjson_object_get_string(v), "CAP_SYS_ADMIN") == 0)
			return true;
	}
	return false;
}

int container_parse_oci_config(Container *c, const char *json, size_t len)
{
	_cleanup_(json_putp) struct fjson_object *root = NULL;
	struct fjson_object *ann, *masked;
	const char *v;
	int r;

	r = json_parse(json, len, &root);
	if (r < 0)
		return r;
	if (!fjson_object_is_type(root, fjson_type_object))
		return -EBADMSG;
	ann = jget(root, "annotations");

	/* CRI-O keeps the CRI labels as a JSON string */
	v = jstr(ann, "io.kubernetes.cri-o.Labels");
	if (v) {
		_cleanup_(json_putp) struct fjson_object *labels = NULL;

		if (json_parse(v, strlen(v), &labels) == 0 && (r = labels_from_object(c, labels)) < 0)
			return r;
	}
	/* names: CRI-O, then containerd's CRI plugin */
	if ((r = set_jstr(&c->name, ann, "io.kubernetes.container.name")) < 0 ||
	    (r = set_jstr(&c->name, ann, "io.kubernetes.cri.container-name")) < 0 ||
	    (r = set_jstr(&c->image, ann, "io.kubernetes.cri-o.ImageName")) < 0 ||
	    (r = set_jstr(&c->image, ann, "io.kubernetes.cri.image-name")) < 0 ||
	    (r = set_jstr(&c->k8s_pod_name, ann, "io.kubernetes.pod.name")) < 0 ||
	    (r = set_jstr(&c->k8s_pod_name, ann, "io.kubernetes.cri.sandbox-name")) < 0 ||
	    (r = set_jstr(&c->k8s_ns_name, ann, "io.kubernetes.pod.namespace")) < 0 ||
	    (r = set_jstr(&c->k8s_ns_name, ann, "io.kubernetes.cri.sandbox-namespace")) < 0 ||
	    (r = set_jstr(&c->k8s_pod_uid, ann, "io.kubernetes.pod.uid")) < 0 ||
	    (r = set_jstr(&c->k8s_pod_uid, ann, "io.kubernetes.cri.sandbox-uid")) < 0)
		return r;
	set_time(c, jstr(ann, "io.kubernetes.cri-o.Created"));

	/* the CRI labels Falco shows for every Kubernetes container */
	if (c->k8s_pod_name && !container_label(c, "io.kubernetes.pod.name") &&
	    (r = container_add_label(c, "io.kubernetes.pod.name", c->k8s_pod_name)) < 0)
		return r;
	if (c->k8s_ns_name && !container_label(c, "io.kubernetes.pod.namespace") &&
	    (r = container_add_label(c, "io.kubernetes.pod.namespace", c->k8s_ns_name)) < 0)
		return r;
	if (c->k8s_pod_uid && !container_label(c, "io.kubernetes.pod.uid") &&
	    (r = container_add_label(c, "io.kubernetes.pod.uid", c->k8s_pod_uid)) < 0)
		return r;
	if (c->name && c->k8s_pod_name && !container_label(c, "io.kubernetes.container.name") &&
	    (r = container_add_label(c, "io.kubernetes.container.name", c->name)) < 0)
		return r;

	masked = jget(jget(root, "linux"), "maskedPaths");
	if (has_cap_sys_admin(jget(jget(jget(root, "process"), "capabilities"), "bounding")) &&
	    (!masked || (fjson_object_is_type(masked, fjson_type_array) &&
			 fjson_object_array_length(masked) == 0)))
		c->privileged = true;
	if (c->image)
		return container_split_image(c);
	return 0;
}

int container_parse_docker_config(Container *c, const char *json, size_t len)
{
	_cleanup_(json_putp) struct fjson_object *root = NULL;
	struct fjson_object *cfg, *priv;
	const char *name;
	int r;

	r = json_parse(json, len, &root);
	if (r < 0)
		return r;
	if (!fjson_object_is_type(root, fjson_type_object))
		return -EBADMSG;
	name = jstr(root, "Name");
	if (name && *name) {
		if (*name == '/')
			name++;
		if ((r = replace_str(&c->name, name, strlen(name))) < 0)
			return r;
	}
	set_time(c, jstr(root, "Created"));
	cfg = jget(root, "Config");
	if ((r = set_jstr(&c->image, cfg, "Image")) < 0)
		return r;
	if (jget(cfg, "Labels") && (r = labels_from_object(c, jget(cfg, "Labels"))) < 0)
		return r;
	if ((r = k8s_from_labels(c)) < 0)
		return r;
	priv = jget(jget(root, "HostConfig"), "Privileged");
	if (!priv)
		priv = jget(root, "Privileged"); /* hostconfig.json */
	if (priv && fjson_object_is_type(priv, fjson_type_boolean))
		c->privileged = fjson_object_get_boolean(priv);
	if (c->image)
		return container_split_image(c);
	return 0;
}

int container_parse_podman_containers(Container *c, const char *json, size_t len)
{
	_cleanup_(json_putp) struct fjson_object *root = NULL;
	int i, n, r;

	if (!c->full_id)
		return -EINVAL;
	r = json_parse(json, len, &root);
	if (r < 0)
		return r;
	if (!fjson_object_is_type(root, fjson_type_array))
		return -EBADMSG;
	n = fjson_object_array_length(root);
	for (i = 0; i < n; i++) {
		struct fjson_object *e = fjson_object_array_get_idx(root, i), *names;
		const char *id = jstr(e, "id"), *meta;

		if (!id || strcmp(id, c->full_id) != 0)
			continue;
		names = jget(e, "names");
		if (names && fjson_object_is_type(names, fjson_type_array) &&
		    fjson_object_array_length(names) > 0) {
			struct fjson_object *n0 = fjson_object_array_get_idx(names, 0);

			if (fjson_object_is_type(n0, fjson_type_string) &&
			    (r = replace_str(&c->name, fjson_object_get_string(n0),
					     strlen(fjson_object_get_string(n0)))) < 0)
				return r;
		}
		/* metadata is itself JSON text: {"image-name": ..., "name": ...} */
		meta = jstr(e, "metadata");
		if (meta) {
			_cleanup_(json_putp) struct fjson_object *m = NULL;

			if (json_parse(meta, strlen(meta), &m) == 0) {
				if ((r = set_jstr(&c->image, m, "image-name")) < 0)
					return r;
				if (!c->name && (r = set_jstr(&c->name, m, "name")) < 0)
					return r;
			}
		}
		set_time(c, jstr(e, "created"));
		if (c->image)
			return container_split_image(c);
		return 0;
	}
	return -ENOENT;
}
