/* SPDX-License-Identifier: MIT */
/*
 * Container identity and metadata, as pure functions: the container id and
 * runtime derived from a process's cgroup path, and parsers for what each
 * runtime keeps on disk (the OCI bundle config.json of containerd and
 * CRI-O, Docker's config.v2.json/hostconfig.json, Podman's containers.json).
 * Reading those files is the daemon's job; these only parse the text.
 */
#ifndef SAKER_CONTAINER_H
#define SAKER_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state/state.h"

#define CONTAINER_MAX_ID 256		  /* ids and machine names kept */
#define CONTAINER_MAX_STR 1024		  /* name, image, pod name... */
#define CONTAINER_MAX_CONFIG (8u << 20)	  /* runtime config file accepted */
#define CONTAINER_JSON_MAX_DEPTH 64	  /* nesting accepted in those files */
#define CONTAINER_SHORT_ID_LEN 12	  /* Falco's container.id */

/*
 * The container a process with this cgroup text belongs to.  cgroup_path is
 * a single path ("/docker/<id>"), or /proc/PID/cgroup text ("0::/...", v1
 * "N:controllers:/..." lines), or "controller=/path" lines.  Recognised:
 * docker ("/docker/<64hex>", "docker-<64hex>.scope"), containerd/CRI
 * ("/kubepods/.../<64hex>", "cri-containerd-<64hex>.scope", nerdctl),
 * CRI-O ("crio-<64hex>[.scope]"), podman ("libpod-<64hex>[.scope]"),
 * systemd-nspawn ("machine-<name>.scope", "systemd-nspawn@<name>.service"),
 * libvirt-lxc and lxc.  Container monitors (conmon) and VMs count as host.
 *
 * Returns 1 with a malloc'd full id in *ret_id and a static runtime name
 * ("docker", "containerd", "cri-o", "podman", "systemd-nspawn", "lxc",
 * "libvirt-lxc") in *ret_runtime; 0 for the host (*ret_id NULL, runtime
 * "host"); -ENOMEM.
 */
int container_id_from_cgroup(const char *cgroup_path, char **ret_id, const char **ret_runtime);
/* The Kubernetes pod uid in a kubepods cgroup path ("pod<uid>"), or NULL. */
char *container_pod_uid_from_cgroup(const char *cgroup_path);
/* Falco's container.id: the first 12 chars of a 64-hex id, else the id. */
char *container_short_id(const char *full_id);
/* True for exactly 64 lowercase hex digits. */
bool container_is_hex_id(const char *s, size_t len);

/*
 * Fill c from an OCI runtime config.json (containerd and CRI-O bundles):
 * annotations io.kubernetes.cri.* (containerd) and io.kubernetes.pod.*,
 * io.kubernetes.container.name, io.kubernetes.cri-o.* (CRI-O) give name,
 * image, pod name/namespace/uid and labels; privileged is guessed as
 * "CAP_SYS_ADMIN in the bounding set and no masked paths" (what --privileged
 * produces).  Fields the file does not have are left alone.
 * -EBADMSG on malformed JSON, -E2BIG over CONTAINER_MAX_CONFIG.
 */
int container_parse_oci_config(Container *c, const char *json, size_t len);
/*
 * Fill c from Docker's config.v2.json (Name, Created, Config.Image,
 * Config.Labels, HostConfig.Privileged when present) or hostconfig.json
 * (top-level Privileged); call once per file.
 */
int container_parse_docker_config(Container *c, const char *json, size_t len);
/*
 * Fill c from Podman's containers.json (storage: an array of {id, names,
 * metadata, created}): the entry whose id is c->full_id.  -ENOENT when absent.
 */
int container_parse_podman_containers(Container *c, const char *json, size_t len);

/* Split c->image into image_repository, image_tag and image_digest. */
int container_split_image(Container *c);
/* Replace c's labels with copies of the n "key=value" strings (limits apply). */
int container_set_labels(Container *c, const char *const *labels, size_t n);
/* Add one label (replacing the same key); ignored past STATE_MAX_LABELS. */
int container_add_label(Container *c, const char *key, const char *value);
/* The value of label key, or NULL. */
const char *container_label(const Container *c, const char *key);

/*
 * Parse an RFC 3339 time ("2026-11-30T08:00:00.123456789Z", "+02:00"
 * offsets, fractions up to ns) into ns since the epoch.  -EINVAL if malformed.
 */
int time_parse_rfc3339(const char *s, uint64_t *ret_ns);

#endif /* SAKER_CONTAINER_H */
