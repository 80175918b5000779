// SPDX-License-Identifier: MIT
/*
 * Rule file lists for the tool: expands directories into their YAML files
 * in name order (as sakerd does for rules.d) and loads them in order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tool/tool.h"

void pathlist_done(PathList *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int push(PathList *l, const char *p)
{
	char **v = reallocarray(l->v, l->n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	l->v[l->n] = strdup(p);
	if (!l->v[l->n])
		return -ENOMEM;
	l->n++;
	return 0;
}

static int yaml_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	if (d->d_name[0] == '.')
		return 0;
	return (n > 5 && strcmp(d->d_name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(d->d_name + n - 4, ".yml") == 0);
}

int pathlist_add(PathList *l, const char *path)
{
	struct dirent **ents = NULL;
	struct stat st;
	int n, i, r = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode))
		return push(l, path);
	n = scandir(path, &ents, yaml_filter, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		char *p = NULL;

		if (r == 0 && asprintf(&p, "%s/%s", path, ents[i]->d_name) < 0)
			r = -ENOMEM;
		if (r == 0)
			r = push(l, p);
		free(p);
		free(ents[i]);
	}
	free(ents);
	return r;
}

int tool_load_rules(const PathList *paths, Diags *d, RuleSet **ret)
{
	RuleSet *rs = ruleset_new();
	size_t i;
	int r = 0;

	*ret = NULL;
	if (!rs)
		return -ENOMEM;
	for (i = 0; i < paths->n; i++) {
		int k = ruleset_load_file(rs, paths->v[i], d);

		if (k == -ENOMEM) {
			ruleset_free(rs);
			return k;
		}
		if (k < 0)
			r = -EINVAL;
	}
	*ret = rs;
	return diags_has_errors(d) ? -EINVAL : r;
}
