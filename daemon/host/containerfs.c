// SPDX-License-Identifier: MIT
/*
 * Where each runtime keeps its container metadata, and reading it.  Docker
 * keeps config.v2.json/hostconfig.json per container, containerd and CRI-O
 * the OCI bundle's config.json (with CRI annotations), Podman both an OCI
 * config.json and a containers.json index with names; systemd-nspawn
 * machines are known by name only.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/containerfs.h"
#include "state/container.h"

typedef int (*ParseFn)(Container *c, const char *json, size_t len);

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static int read_file(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EBADF;
	if ((uint64_t)st.st_size > CONTAINER_MAX_CONFIG)
		return -E2BIG;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/* Parse root + path with fn; 1 when parsed, 0 when the file does not exist. */
static int parse_file(Container *c, const char *root, const char *path, ParseFn fn)
{
	_cleanup_free_ char *full = NULL, *text = NULL;
	size_t len = 0;
	int r;

	if (asprintf(&full, "%s%s", root, path) < 0)
		return -ENOMEM;
	r = read_file(full, &text, &len);
	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	if (r < 0)
		return r;
	r = fn(c, text, len);
	return r < 0 ? r : 1;
}

static bool safe_id(const char *id)
{
	/* ids become path components */
	return id && *id && !strchr(id, '/') && strcmp(id, ".") && strcmp(id, "..") &&
	       strlen(id) < CONTAINER_MAX_ID;
}

static int read_docker(Container *c, const char *root, const char *id)
{
	_cleanup_free_ char *p1 = NULL, *p2 = NULL;
	int r1, r2;

	if (asprintf(&p1, "/var/lib/docker/containers/%s/config.v2.json", id) < 0 ||
	    asprintf(&p2, "/var/lib/docker/containers/%s/hostconfig.json", id) < 0)
		return -ENOMEM;
	r1 = parse_file(c, root, p1, container_parse_docker_config);
	if (r1 < 0)
		return r1;
	r2 = parse_file(c, root, p2, container_parse_docker_config);
	if (r2 < 0)
		return r2;
	return r1 || r2;
}

static int read_containerd(Container *c, const char *root, const char *id)
{
	static const char *const known[] = CONTAINERFS_CONTAINERD_NAMESPACES;
	static const char base[] = "/run/containerd/io.containerd.runtime.v2.task";
	_cleanup_(closedirp) DIR *d = NULL;
	_cleanup_free_ char *dir = NULL;
	struct dirent *de;
	unsigned n = 0;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(known); i++) {
		_cleanup_free_ char *p = NULL;

		if (asprintf(&p, "%s/%s/%s/config.json", base, known[i], id) < 0)
			return -ENOMEM;
		r = parse_file(c, root, p, container_parse_oci_config);
		if (r != 0)
			return r;
	}
	/* other namespaces (nerdctl, buildkit...) */
	if (asprintf(&dir, "%s%s", root, base) < 0)
		return -ENOMEM;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n++ < CONTAINERFS_MAX_NAMESPACES) {
		_cleanup_free_ char *p = NULL;
		bool seen = false;

		if (de->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < ELEMENTSOF(known); i++)
			seen = seen || !strcmp(de->d_name, known[i]);
		if (seen)
			continue;
		if (asprintf(&p, "%s/%s/%s/config.json", base, de->d_name, id) < 0)
			return -ENOMEM;
		r = parse_file(c, root, p, container_parse_oci_config);
		if (r != 0)
			return r;
	}
	return 0;
}

static int read_crio(Container *c, const char *root, const char *id)
{
	_cleanup_free_ char *p = NULL;

	if (asprintf(&p, "/run/containers/storage/overlay-containers/%s/userdata/config.json",
		     id) < 0)
		return -ENOMEM;
	return parse_file(c, root, p, container_parse_oci_config);
}

static int read_podman(Container *c, const char *root, const char *id)
{
	static const char base[] = "/var/lib/containers/storage/overlay-containers";
	_cleanup_free_ char *p = NULL, *idx = NULL;
	int r1, r2;

	if (asprintf(&p, "%s/%s/userdata/config.json", base, id) < 0 ||
	    asprintf(&idx, "%s/containers.json", base) < 0)
		return -ENOMEM;
	r1 = parse_file(c, root, p, container_parse_oci_config);
	if (r1 < 0)
		return r1;
	r2 = parse_file(c, root, idx, container_parse_podman_containers);
	if (r2 == -ENOENT) /* the index does not list it */
		r2 = 0;
	if (r2 < 0)
		return r2;
	return r1 || r2;
}

static int read_nspawn(Container *c, const char *root, const char *id)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;
	int r;

	/* the machine name is all there is; it is the name users know */
	if (!c->name) {
		c->name = strndup(id, CONTAINER_MAX_STR);
		if (!c->name)
			return -ENOMEM;
	}
	if (asprintf(&p, "%s/run/systemd/machines/%s", root, id) < 0)
		return -ENOMEM;
	r = stat(p, &st);
	return r >= 0 ? 1 : 0;
}

static const struct {
	const char *runtime;
	int (*read)(Container *c, const char *root, const char *id);
	const char *fmt; /* for containerfs_describe */
} runtimes[] = {
	{ "docker", read_docker, "/var/lib/docker/containers/%s/config.v2.json" },
	{ "containerd", read_containerd,
	  "/run/containerd/io.containerd.runtime.v2.task/k8s.io/%s/config.json" },
	{ "cri-o", read_crio, "/run/containers/storage/overlay-containers/%s/userdata/config.json" },
	{ "podman", read_podman,
	  "/var/lib/containers/storage/overlay-containers/%s/userdata/config.json" },
	{ "systemd-nspawn", read_nspawn, "/run/systemd/machines/%s" },
};

static const char *root_prefix(const char *root, char *buf, size_t size)
{
	size_t n;

	if (!root)
		return "";
	n = strlen(root);
	while (n > 0 && root[n - 1] == '/')
		n--;
	if (n >= size)
		return NULL;
	memcpy(buf, root, n);
	buf[n] = 0;
	return buf;
}

int containerfs_read(Container *c, const char *root)
{
	const char *id = c->full_id ? c->full_id : c->id;
	char rbuf[4096];
	const char *prefix = root_prefix(root, rbuf, sizeof(rbuf));

	if (!prefix)
		return -ENAMETOOLONG;
	if (!safe_id(id) || !c->runtime)
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(runtimes); i++)
		if (!strcmp(c->runtime, runtimes[i].runtime))
			return runtimes[i].read(c, prefix, id);
	return 0;
}

char *containerfs_describe(const Container *c, const char *root)
{
	const char *id = c->full_id ? c->full_id : c->id;
	char rbuf[4096];
	const char *prefix = root_prefix(root, rbuf, sizeof(rbuf));
	char *s = NULL, *rel = NULL;

	if (!prefix || !safe_id(id) || !c->runtime)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(runtimes); i++) {
		if (strcmp(c->runtime, runtimes[i].runtime))
			continue;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (asprintf(&rel, runtimes[i].fmt, id) < 0)
			return NULL;
#pragma GCC diagnostic pop
		if (asprintf(&s, "%s%s", prefix, rel) < 0)
			s = NULL;
		free(rel);
		return s;
	}
	return NULL;
}
