// SPDX-License-Identifier: MIT
/*
 * saker list-fields: the field table as text (grouped by class, like
 * `falco --list`) or as a JSON array.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/strbuf.h"
#include "rules/field.h"
#include "tool/tool.h"

static bool in_class(const FieldDef *f, const char *cls)
{
	size_t n = strlen(cls);

	return strncmp(f->name, cls, n) == 0 && f->name[n] == '.';
}

static const char *arg_text(const FieldDef *f)
{
	if (f->flags & FF_ARG_REQUIRED)
		return f->flags & FF_ARG_INDEX ? "[N]" : "[NAME]";
	if (f->flags & FF_ARG_ALLOWED)
		return f->flags & FF_ARG_INDEX ? "[N] (optional)" : "[NAME] (optional)";
	return "";
}

static int print_json(const char *only)
{
	_cleanup_(strbuf_done) StrBuf sb = { 0 };
	size_t nf, i;
	const FieldDef *fields = field_table(&nf);
	bool first = true;

	strbuf_puts(&sb, "[");
	for (i = 0; i < nf; i++) {
		const FieldDef *f = &fields[i];

		if (f->flags & FF_HIDDEN)
			continue;
		if (only && !in_class(f, only))
			continue;
		strbuf_puts(&sb, first ? "\n  {\"name\": " : ",\n  {\"name\": ");
		first = false;
		strbuf_put_json_string(&sb, f->name, strlen(f->name));
		strbuf_printf(&sb, ", \"type\": \"%s\", \"arg\": \"%s\", \"desc\": ",
			      field_type_name(f->type),
			      f->flags & FF_ARG_REQUIRED  ? "required"
			      : f->flags & FF_ARG_ALLOWED ? "allowed"
							  : "none");
		strbuf_put_json_string(&sb, f->desc ? f->desc : "", f->desc ? strlen(f->desc) : 0);
		strbuf_puts(&sb, "}");
	}
	strbuf_puts(&sb, first ? "]\n" : "\n]\n");
	if (sb.failed)
		return 1;
	fputs(strbuf_str(&sb), stdout);
	return 0;
}

int cmd_list_fields(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *only = NULL;
	bool json = false;
	size_t nf, nc, i, c;
	const FieldDef *fields;
	const FieldClass *classes;
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "jh", opts, NULL)) >= 0) {
		switch (o) {
		case 'j':
			json = true;
			break;
		case 'h':
			puts("Usage: saker list-fields [--json] [CLASS]\n"
			     "Print every field conditions and outputs can use; CLASS limits the\n"
			     "list to one class (evt, proc, fd, ...).");
			return 0;
		default:
			return 2;
		}
	}
	if (optind < argc)
		only = argv[optind];
	if (json)
		return print_json(only);

	fields = field_table(&nf);
	classes = field_classes(&nc);
	for (c = 0; c < nc; c++) {
		if (only && strcmp(only, classes[c].name) != 0)
			continue;
		printf("Field class: %s (%s)\n\n", classes[c].name, classes[c].desc);
		for (i = 0; i < nf; i++) {
			const FieldDef *f = &fields[i];

			if ((f->flags & FF_HIDDEN) || !in_class(f, classes[c].name))
				continue;
			printf("%s%s\n    %s (%s)\n", f->name, arg_text(f), f->desc ? f->desc : "",
			       field_type_name(f->type));
		}
		printf("\n");
	}
	return 0;
}
