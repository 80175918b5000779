// SPDX-License-Identifier: MIT
/*
 * The container.* and k8s.* fields, from the Container the process table
 * attached to the event's process (NULL for the host).  Host processes have
 * container.id, container.name and container.type "host" and no other
 * container or Kubernetes values, as in Falco.  Metadata the runtime has not
 * given yet (a lookup still pending) has no value rather than a guess.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/macro.h"
#include "rules/field-impl.h"

static const Container *container_of(const EvalCtx *ctx)
{
	return ctx->proc ? ctx->proc->container : NULL;
}

/* host: "host"; container: the string, or no value when unknown */
static int host_or(EvalCtx *ctx, FieldValues *out, const char *v)
{
	if (!ctx->proc)
		return 0;
	if (!container_of(ctx))
		return fv_str(out, "host");
	return v ? fv_str(out, v) : 0;
}

/* no value on the host or when unknown */
static int container_str(EvalCtx *ctx, FieldValues *out, const char *v)
{
	return container_of(ctx) && v ? fv_str(out, v) : 0;
}

#define C_FIELD(fn, call)                                                           \
	static int fn(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)          \
	{                                                                           \
		const Container *c = container_of(ctx);                             \
		(void)c;                                                            \
		return call;                                                        \
	}

C_FIELD(x_container_id, host_or(ctx, out, c ? (c->id ? c->id : c->full_id) : NULL))
C_FIELD(x_container_full_id, host_or(ctx, out, c ? (c->full_id ? c->full_id : c->id) : NULL))
C_FIELD(x_container_name, host_or(ctx, out, c ? c->name : NULL))
C_FIELD(x_container_type, host_or(ctx, out, c ? c->runtime : NULL))
C_FIELD(x_container_image, container_str(ctx, out, c ? c->image : NULL))
C_FIELD(x_container_image_repository, container_str(ctx, out, c ? c->image_repository : NULL))
C_FIELD(x_container_image_tag, container_str(ctx, out, c ? c->image_tag : NULL))
C_FIELD(x_container_image_digest, container_str(ctx, out, c ? c->image_digest : NULL))
C_FIELD(x_k8s_ns_name, container_str(ctx, out, c ? c->k8s_ns_name : NULL))
C_FIELD(x_k8s_pod_name, container_str(ctx, out, c ? c->k8s_pod_name : NULL))
C_FIELD(x_k8s_pod_uid, container_str(ctx, out, c ? c->k8s_pod_uid : NULL))

static int x_none(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return 0;
}

static int x_container_privileged(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const Container *c = container_of(ctx);

	return c ? fv_bool(out, c->privileged) : 0;
}

static int x_container_start_ts(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const Container *c = container_of(ctx);

	return c && c->created_ns ? fv_unum(out, c->created_ns) : 0;
}

static int x_container_duration(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const Container *c = container_of(ctx);
	uint64_t now;

	if (!c || !c->created_ns)
		return 0;
	now = ctx->evt->ts + ctx->boot_to_realtime_ns;
	return fv_unum_t(out, FT_RELTIME, now > c->created_ns ? now - c->created_ns : 0);
}

/* Whether a container process shares the host's pid namespace (--pid=host). */
static int x_container_host_pid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const Container *c = container_of(ctx);

	if (!c || !ctx->state || !ctx->state->host_pidns || !ctx->proc->pidns)
		return 0;
	return fv_bool(out, ctx->proc->pidns == ctx->state->host_pidns);
}

/*
 * The container identity for %container.info in rule outputs: Falco's
 * "container_id=... container_name=..." (host processes show "host").
 */
static int x_container_info(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const Container *c = container_of(ctx);
	const char *id = "host", *name = "host", *s;

	if (!ctx->proc)
		return 0;
	if (c) {
		id = c->id ? c->id : c->full_id ? c->full_id : "<NA>";
		name = c->name ? c->name : "<NA>";
	}
	s = eval_printf(ctx, "container_id=%s container_name=%s", id, name);
	return s ? fv_str(out, s) : -ENOBUFS;
}

/* ---- labels ---- */

/* The value of label key ("key=value" entries), or NULL. */
static const char *label_value(const Container *c, const char *key)
{
	size_t kl = strlen(key), i;

	for (i = 0; c && i < c->nlabels; i++) {
		const char *l = c->labels[i];

		if (l && strncmp(l, key, kl) == 0 && l[kl] == '=')
			return l + kl + 1;
	}
	return NULL;
}

static bool is_runtime_label(const char *l)
{
	return strncmp(l, "io.kubernetes.", 14) == 0;
}

/* "k1:v1,k2:v2" of the labels (without the runtime's own io.kubernetes.* ones). */
static int labels_text(EvalCtx *ctx, FieldValues *out, const Container *c, bool k8s)
{
	size_t i, total = 1, o = 0;
	char *buf;

	for (i = 0; i < c->nlabels; i++)
		if (c->labels[i] && !(k8s && is_runtime_label(c->labels[i])))
			total += strlen(c->labels[i]) + 1;
	buf = eval_alloc(ctx, total);
	if (!buf)
		return -ENOBUFS;
	for (i = 0; i < c->nlabels; i++) {
		const char *l = c->labels[i], *eq;
		size_t len;

		if (!l || (k8s && is_runtime_label(l)))
			continue;
		if (o)
			buf[o++] = ',';
		len = strlen(l);
		memcpy(buf + o, l, len);
		eq = strchr(l, '=');
		if (eq)
			buf[o + (size_t)(eq - l)] = ':';
		o += len;
	}
	buf[o] = 0;
	return fv_strn(out, buf, o);
}

static int x_container_label(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const Container *c = container_of(ctx);
	const char *v = ref->arg_key ? label_value(c, ref->arg_key) : NULL;

	return v ? fv_str(out, v) : 0;
}

static int x_container_labels(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const Container *c = container_of(ctx);

	return c ? labels_text(ctx, out, c, false) : 0;
}

static int x_k8s_pod_label(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const Container *c = container_of(ctx);
	const char *v;

	if (!c || !c->k8s_pod_name || !ref->arg_key)
		return 0;
	v = label_value(c, ref->arg_key);
	return v ? fv_str(out, v) : 0;
}

static int x_k8s_pod_labels(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const Container *c = container_of(ctx);

	return c && c->k8s_pod_name ? labels_text(ctx, out, c, true) : 0;
}

/* ---- the table ---- */

#define KEY_ARG (FF_ARG_REQUIRED | FF_ARG_KEY)

const FieldDef field_defs_container[] = {
	{ "container.id", FT_STRING, 0,
	  "The container id, 12 characters for Docker-style ids; 'host' for processes that "
	  "are not in a container.", x_container_id, NULL },
	{ "container.full_id", FT_STRING, 0,
	  "The full container id (64 characters for Docker-style ids); 'host' on the host.",
	  x_container_full_id, NULL },
	{ "container.name", FT_STRING, 0,
	  "The container name; 'host' on the host; no value while the runtime has not been "
	  "asked yet.", x_container_name, NULL },
	{ "container.type", FT_STRING, 0,
	  "The container runtime: docker, containerd, cri-o, podman, systemd-nspawn, lxc...; "
	  "'host' on the host.", x_container_type, NULL },
	{ "container.image", FT_STRING, 0,
	  "The image the container was started from, as repository:tag.", x_container_image,
	  NULL },
	{ "container.image.repository", FT_STRING, 0,
	  "The repository of the container image (docker.io/library/nginx).",
	  x_container_image_repository, NULL },
	{ "container.image.tag", FT_STRING, 0, "The tag of the container image (latest).",
	  x_container_image_tag, NULL },
	{ "container.image.digest", FT_STRING, 0,
	  "The digest of the container image (sha256:...).", x_container_image_digest, NULL },
	{ "container.image.id", FT_STRING, 0,
	  "The id of the container image. Not collected yet: no value.", x_none, NULL },
	{ "container.privileged", FT_BOOL, 0,
	  "Whether the container runs privileged (all capabilities, devices visible).",
	  x_container_privileged, NULL },
	{ "container.host_pid", FT_BOOL, 0,
	  "Whether the container shares the host's pid namespace.", x_container_host_pid,
	  NULL },
	{ "container.mounts", FT_STRING, 0,
	  "The container's mounts. Not collected yet: no value.", x_none, NULL },
	{ "container.label", FT_STRING, KEY_ARG,
	  "The value of one container label, container.label[com.example.team].",
	  x_container_label, NULL },
	{ "container.labels", FT_STRING, 0,
	  "All container labels as key:value pairs separated by commas.", x_container_labels,
	  NULL },
	{ "container.start_ts", FT_UNUMBER, 0,
	  "When the container was created, in nanoseconds since the epoch.",
	  x_container_start_ts, NULL },
	{ "container.duration", FT_RELTIME, 0, "Nanoseconds since the container was created.",
	  x_container_duration, NULL },
	{ "container.healthcheck", FT_STRING, 0,
	  "The container's health check command. Not collected yet: no value.", x_none, NULL },
	{ "container.liveness_probe", FT_STRING, 0,
	  "The container's liveness probe command. Not collected yet: no value.", x_none,
	  NULL },
	{ "container.readiness_probe", FT_STRING, 0,
	  "The container's readiness probe command. Not collected yet: no value.", x_none,
	  NULL },
	{ "container.ip", FT_STRING, 0,
	  "The container's IP address. Not collected yet: no value.", x_none, NULL },
	{ "container.cni.json", FT_STRING, 0,
	  "The container's CNI result. Not collected yet: no value.", x_none, NULL },
	{ "container.info", FT_STRING, 0,
	  "The container identity for rule outputs: \"container_id=ID container_name=NAME\".",
	  x_container_info, NULL },
	{ "k8s.ns.name", FT_STRING, 0, "The Kubernetes namespace of the pod.", x_k8s_ns_name,
	  NULL },
	{ "k8s.pod.name", FT_STRING, 0, "The name of the Kubernetes pod.", x_k8s_pod_name, NULL },
	{ "k8s.pod.uid", FT_STRING, 0, "The uid of the Kubernetes pod.", x_k8s_pod_uid, NULL },
	{ "k8s.pod.id", FT_STRING, FF_DEPRECATED, "The uid of the pod; use k8s.pod.uid.",
	  x_k8s_pod_uid, NULL },
	{ "k8s.pod.label", FT_STRING, KEY_ARG,
	  "The value of one pod label, k8s.pod.label[app] or k8s.pod.label.app.",
	  x_k8s_pod_label, NULL },
	{ "k8s.pod.labels", FT_STRING, 0,
	  "The pod labels as key:value pairs separated by commas.", x_k8s_pod_labels, NULL },
	{ "k8s.pod.sandbox_id", FT_STRING, 0,
	  "The id of the pod's sandbox container. Not collected yet: no value.", x_none, NULL },
	{ "k8s.pod.full_sandbox_id", FT_STRING, 0,
	  "The full id of the pod's sandbox container. Not collected yet: no value.", x_none,
	  NULL },
	{ "k8s.pod.ip", FT_STRING, 0, "The IP address of the pod. Not collected yet: no value.",
	  x_none, NULL },
	{ "k8s.pod.cni.json", FT_STRING, 0,
	  "The CNI result of the pod. Not collected yet: no value.", x_none, NULL },
};

const size_t field_defs_container_n = ELEMENTSOF(field_defs_container);
