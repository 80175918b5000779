// SPDX-License-Identifier: MIT
/*
 * Diagnostic collection.  See diag.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/diag.h"

int diags_add(Diags *d, DiagLevel level, const SrcPos *pos, const char *item, const char *fmt,
	      ...)
{
	Diag *x;
	va_list ap;
	int r;

	if (level == DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	if (d->n >= DIAG_MAX)
		return 0;
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 8;
		Diag *nv = reallocarray(d->v, nc, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		d->v = nv;
		d->cap = nc;
	}
	x = &d->v[d->n];
	memset(x, 0, sizeof(*x));
	x->level = level;
	if (pos)
		x->pos = *pos;
	if (item) {
		x->item = strdup(item);
		if (!x->item)
			return -ENOMEM;
	}
	va_start(ap, fmt);
	r = vasprintf(&x->msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		free(x->item);
		return -ENOMEM;
	}
	d->n++;
	return 0;
}

void diags_done(Diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].item);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void diags_print(const Diags *d, FILE *f)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const Diag *x = &d->v[i];
		const char *lvl = x->level == DIAG_ERROR ? "error" : "warning";

		if (x->pos.file && x->pos.line)
			fprintf(f, "%s:%u:%u: ", x->pos.file, x->pos.line, x->pos.col);
		else if (x->pos.file)
			fprintf(f, "%s: ", x->pos.file);
		if (x->item)
			fprintf(f, "%s: %s (in %s)\n", lvl, x->msg, x->item);
		else
			fprintf(f, "%s: %s\n", lvl, x->msg);
	}
	if (d->nerrors + d->nwarnings > d->n)
		fprintf(f, "(%zu more diagnostics not shown)\n", d->nerrors + d->nwarnings - d->n);
}
