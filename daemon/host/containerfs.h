/* SPDX-License-Identifier: MIT */
/*
 * Container metadata from the runtimes' own files on disk (Docker,
 * containerd/CRI, CRI-O, Podman, systemd-nspawn), found under a root prefix
 * so tests can use fake trees.  The text is handed to the pure parsers of
 * state/container.c.  No daemon socket is contacted.
 */
#ifndef SAKER_CONTAINERFS_H
#define SAKER_CONTAINERFS_H

#include "state/state.h"

/* containerd namespaces searched for a task bundle, in this order */
#define CONTAINERFS_CONTAINERD_NAMESPACES { "k8s.io", "moby", "default" }
#define CONTAINERFS_MAX_NAMESPACES 64 /* other containerd namespaces scanned */

/*
 * Fill c (c->full_id, else c->id, and c->runtime must be set) from its
 * runtime's metadata under root (NULL or "" for "/").  Returns 1 when at
 * least one file was found and parsed, 0 when none exists (the container may
 * be gone, or the runtime unknown), or a negative errno (-EBADMSG for a
 * malformed file, -E2BIG over CONTAINER_MAX_CONFIG).
 */
int containerfs_read(Container *c, const char *root);

/* The first path tried for c (for messages), malloc'd; NULL when none. */
char *containerfs_describe(const Container *c, const char *root);

#endif /* SAKER_CONTAINERFS_H */
