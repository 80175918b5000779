// SPDX-License-Identifier: MIT
/*
 * saker doc: the reference of a set of rules in Markdown (docs/rules.md for
 * the default ruleset), generated from the rule files, their advice files
 * and the compiled engine, so that the document cannot disagree with them.
 * Each rule gets its priority, tags, event types, description, advice and
 * the allow-list macros and lists its condition reaches; the shared
 * allow-lists of routine system activity get a section of their own, written
 * from their comments in the rule files.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/strbuf.h"
#include "event/event-info.h"
#include "rules/engine.h"
#include "rules/lexer.h"
#include "tool/tool.h"

/* Where the packages put the rules and where local changes go (fixed: the document is shared). */
#define DOC_RULES_DIR "/usr/share/saker/rules"
#define DOC_LOCAL_DIR "/etc/saker/rules.d"

/*
 * The introduction's worked example tunes this rule through this list and
 * macro; saker doc fails when the rules no longer define them, so the
 * example cannot go stale.
 */
#define DOC_EXAMPLE_RULE "Read sensitive file by untrusted program"
#define DOC_EXAMPLE_LIST "credential_readers"
#define DOC_EXAMPLE_MACRO "user_known_credential_readers"

/* Macros whose name starts with this are the rules' allow-lists (Falco's convention). */
#define DOC_ALLOW_PREFIX "user_known_"

/*
 * A macro whose comment in its rule file starts with this is a shared
 * allow-list of routine system activity; the rest of the comment's first
 * line is its title, the other lines its description.
 */
#define DOC_SHARED_TAG "Allow-list:"
#define DOC_SHARED_HEADING "Allow-lists of routine system activity"
/* A rule file read back for the comments: as large as the loader accepts. */
#define DOC_FILE_MAX (16u * 1024u * 1024u)

/* The allow-list section's example extends this list and this macro. */
#define DOC_SHARED_EXAMPLE_LIST "package_mgmt_programs"
#define DOC_SHARED_EXAMPLE_MACRO "logrotate_procs"

/* ---- Markdown text ---- */

static bool is_word(int c)
{
	return isalnum(c);
}

/*
 * Text as Markdown inline text on one line: characters Markdown would
 * interpret are escaped, line breaks and control bytes become spaces, runs of
 * blanks one space.  An underscore inside a word stays as it is (identifiers
 * such as user_known_x read better that way and do not start emphasis).
 */
static void md_inline(StrBuf *sb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int prev = i > 0 ? (unsigned char)s[i - 1] : ' ';
		int next = i + 1 < n ? (unsigned char)s[i + 1] : ' ';

		if (isspace(c) || c < 0x20 || c == 0x7f) {
			if (sb->len > 0 && sb->buf[sb->len - 1] != ' ')
				strbuf_putc(sb, ' ');
			continue;
		}
		if (strchr("\\`*[]<>&", c) || (c == '_' && !(is_word(prev) && is_word(next))))
			strbuf_putc(sb, '\\');
		strbuf_putc(sb, (char)c);
	}
	while (sb->len > 0 && sb->buf[sb->len - 1] == ' ')
		sb->len--;
	if (sb->buf)
		sb->buf[sb->len] = 0;
}

/*
 * One block (a paragraph, or a list item after lead) on its own line.  A
 * paragraph that would start like a heading, quote, list or rule gets that
 * character escaped.
 */
static void md_block(FILE *f, const char *lead, const char *s, size_t n)
{
	StrBuf sb = { 0 };
	size_t d;

	md_inline(&sb, s, n);
	if (sb.len == 0) {
		strbuf_done(&sb);
		return;
	}
	fputs(lead, f);
	for (d = 0; d < sb.len && isdigit((unsigned char)sb.buf[d]); d++)
		;
	if (strchr("#>+-=~|", sb.buf[0]))
		fputc('\\', f);
	else if (d > 0 && d < sb.len && (sb.buf[d] == '.' || sb.buf[d] == ')')) {
		fwrite(sb.buf, 1, d, f);
		fputc('\\', f);
		fputs(sb.buf + d, f);
		fputc('\n', f);
		strbuf_done(&sb);
		return;
	}
	fputs(strbuf_str(&sb), f);
	fputc('\n', f);
	strbuf_done(&sb);
}

/*
 * Text written as the rule and advice files write it as Markdown blocks: a
 * blank line between blocks, none between the items of one list.
 */
static void md_block_of(void *userdata, const TextBlock *b)
{
	FILE *f = userdata;

	if (!b->first && !(b->bullet && b->prev_bullet && !b->gap))
		fputc('\n', f);
	md_block(f, b->bullet ? "- " : "", b->text, b->len);
}

static void md_text(FILE *f, const char *text)
{
	text_blocks(text, md_block_of, f);
}

/*
 * The anchor GitHub gives a heading: lower case, blanks as '-', punctuation
 * other than '-' and '_' dropped.
 */
static void md_anchor(StrBuf *sb, const char *heading)
{
	const unsigned char *c;

	for (c = (const unsigned char *)heading; *c; c++) {
		if (isalnum(*c))
			strbuf_putc(sb, (char)tolower(*c));
		else if (*c == ' ' || *c == '-')
			strbuf_putc(sb, '-');
		else if (*c == '_' || *c >= 0x80)
			strbuf_putc(sb, (char)*c);
	}
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "?";
}

/* ---- what a rule's condition refers to ---- */

/* The lists and allow-list macros a rule reaches, in the order they are met. */
typedef struct Refs {
	bool *macro_seen; /* nmacros */
	bool *list_seen; /* nlists */
	size_t *macros; /* indices of macro_is_hook() macros */
	size_t nmacros;
	size_t *lists; /* indices of lists */
	size_t nlists;
	size_t *todo; /* macros whose conditions are still to be read */
	size_t ntodo;
} Refs;

static void refs_done(Refs *r)
{
	free(r->macro_seen);
	free(r->list_seen);
	free(r->macros);
	free(r->lists);
	free(r->todo);
}

static int refs_init(Refs *r, const RuleSet *rs)
{
	size_t m = rs->nmacros ? rs->nmacros : 1, l = rs->nlists ? rs->nlists : 1;

	*r = (Refs){ 0 };
	r->macro_seen = calloc(m, sizeof(bool));
	r->list_seen = calloc(l, sizeof(bool));
	/* each macro and list is added at most once: these never grow */
	r->macros = calloc(m, sizeof(size_t));
	r->todo = calloc(m, sizeof(size_t));
	r->lists = calloc(l, sizeof(size_t));
	if (!r->macro_seen || !r->list_seen || !r->macros || !r->todo || !r->lists) {
		refs_done(r);
		*r = (Refs){ 0 };
		return -ENOMEM;
	}
	return 0;
}

static bool index_get(StrMap *index, const char *name, size_t len, size_t *ret)
{
	void *v = NULL;

	if (!index || !strmap_get(index, name, len, &v))
		return false;
	*ret = (size_t)(uintptr_t)v - 1;
	return true;
}

/* A list named name[0..len), and the lists its items name (Falco expands those). */
static void refs_add_list(Refs *r, const RuleSet *rs, const char *name, size_t len)
{
	size_t idx, i;

	if (!index_get(rs->list_index, name, len, &idx) || idx >= rs->nlists ||
	    r->list_seen[idx])
		return;
	r->list_seen[idx] = true;
	r->lists[r->nlists++] = idx;
	for (i = 0; i < rs->lists[idx].nitems; i++) {
		const char *v = rs->lists[idx].items[i].value;

		if (v)
			refs_add_list(r, rs, v, strlen(v));
	}
}

static bool is_allow_macro(const MacroDef *m)
{
	return strncmp(m->name, DOC_ALLOW_PREFIX, strlen(DOC_ALLOW_PREFIX)) == 0;
}

/*
 * A macro that is there for sites to fill in: an allow-list macro, or one
 * the package defines as never_true (such as a list of destinations to
 * report).
 */
static bool macro_is_hook(const MacroDef *m)
{
	const char *s = m->condition.text;
	size_t n = s ? m->condition.len : 0;

	if (is_allow_macro(m))
		return true;
	while (n > 0 && lex_is_blank((unsigned char)s[n - 1]))
		n--;
	while (n > 0 && lex_is_blank((unsigned char)*s)) {
		s++;
		n--;
	}
	return (n == 12 && memcmp(s, "(never_true)", 12) == 0) ||
	       (n == 10 && memcmp(s, "never_true", 10) == 0);
}

static void refs_add_name(Refs *r, const RuleSet *rs, const char *name, size_t len)
{
	size_t idx;

	if (index_get(rs->macro_index, name, len, &idx) && idx < rs->nmacros) {
		if (r->macro_seen[idx])
			return;
		r->macro_seen[idx] = true;
		r->todo[r->ntodo++] = idx;
		if (macro_is_hook(&rs->macros[idx]))
			r->macros[r->nmacros++] = idx;
		return;
	}
	refs_add_list(r, rs, name, len);
}

/*
 * The names a condition text uses, by its words: quoted strings are skipped,
 * and so is the value after a comparison operator that takes one value
 * ("proc.name = container" compares with a string, not the macro).  A word is
 * what Falco allows in a list name: no blank, ( ) , = " or '.
 */
static void refs_scan(Refs *r, const RuleSet *rs, const char *s, size_t n)
{
	bool value_next = false;
	size_t i = 0;

	while (i < n) {
		size_t start = i;
		char c = s[i];

		if (c == '"' || c == '\'') {
			for (i++; i < n && s[i] != c; i++)
				if (s[i] == '\\' && i + 1 < n)
					i++;
			i += i < n;
			value_next = false;
			continue;
		}
		if (lex_is_blank((unsigned char)c) || c == ',' || c == '(' || c == ')') {
			i++;
			continue;
		}
		if (c == '=') {
			i++;
			value_next = true;
			continue;
		}
		while (i < n && !lex_is_blank((unsigned char)s[i]) && !strchr("(),=\"'", s[i]))
			i++;
		/* "!=" and "<=" end at the '=': treat the pair as one operator */
		if (i < n && s[i] == '=' && i - start == 1 && strchr("!<>", s[start])) {
			i++;
			value_next = true;
			continue;
		}
		if (!value_next) {
			ExprOp op = op_from_string(s + start, i - start);

			if (op != OP_INVALID) {
				value_next = op != OP_IN && op != OP_INTERSECTS && op != OP_PMATCH &&
					     op != OP_EXISTS;
				continue;
			}
			refs_add_name(r, rs, s + start, i - start);
		}
		value_next = false;
	}
}

/* Everything rd's condition and exceptions reach, macros followed through. */
static void refs_collect(Refs *r, const RuleSet *rs, const RuleDef *rd)
{
	size_t i, j, k;

	if (rd->condition.text)
		refs_scan(r, rs, rd->condition.text, rd->condition.len);
	/* an exception value may name a list */
	for (i = 0; i < rd->nexceptions; i++)
		for (j = 0; j < rd->exceptions[i].nvalues; j++)
			for (k = 0; k < rd->exceptions[i].nfields; k++) {
				const char *v = rd->exceptions[i].values[j].values[k];

				if (v)
					refs_add_list(r, rs, v, strlen(v));
			}
	/* todo only grows, each macro once: this ends */
	for (i = 0; i < r->ntodo; i++) {
		const MacroDef *m = &rs->macros[r->todo[i]];

		if (m->condition.text)
			refs_scan(r, rs, m->condition.text, m->condition.len);
	}
}

/* ---- shared allow-lists: macros documented by their comments ---- */

typedef struct Shared {
	size_t macro; /* index in rs->macros */
	char *title;  /* the first line after DOC_SHARED_TAG, without its final '.' */
	char *text;   /* the other lines of the comment */
} Shared;

typedef struct SharedSet {
	Shared *v;
	size_t n;
} SharedSet;

static void shared_done(SharedSet *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++) {
		free(ss->v[i].title);
		free(ss->v[i].text);
	}
	free(ss->v);
	*ss = (SharedSet){ 0 };
}

/*
 * The comment lines right above line (1-based) of text, "# " taken off, an
 * empty comment line as an empty line; empty when there is none.
 */
static int comment_above(const char *text, size_t len, unsigned line, StrBuf *ret)
{
	size_t at = 0, first, i;
	unsigned l;

	/* the offset of the line */
	for (l = 1; l < line; l++) {
		const char *nl = memchr(text + at, '\n', len - at);

		if (!nl)
			return 0;
		at = (size_t)(nl - text) + 1;
	}
	/* back over the comment lines right above it */
	for (first = at; first > 0;) {
		size_t prev = first - 1;

		while (prev > 0 && text[prev - 1] != '\n')
			prev--;
		if (text[prev] != '#')
			break;
		first = prev;
	}
	for (i = first; i < at;) {
		const char *e = memchr(text + i, '\n', at - i);
		size_t s = i + 1, end;

		if (!e)
			break;
		end = (size_t)(e - text);
		if (s < end && text[s] == ' ')
			s++;
		if (strbuf_append(ret, text + s, end - s) < 0 || strbuf_putc(ret, '\n') < 0)
			return -ENOMEM;
		i = end + 1;
	}
	return 0;
}

/*
 * The macros whose comment starts with DOC_SHARED_TAG, in definition order.
 * Rule files are read again for their comments (the loader keeps none); a
 * file that cannot be read contributes nothing.
 */
static int shared_collect(const RuleSet *rs, SharedSet *ret)
{
	_cleanup_free_ char *buf = NULL;
	const char *loaded = NULL;
	size_t len = 0, i;
	int r;

	*ret = (SharedSet){ 0 };
	ret->v = new0(Shared, rs->nmacros);
	if (!ret->v)
		return -ENOMEM;
	for (i = 0; i < rs->nmacros; i++) {
		const MacroDef *m = &rs->macros[i];
		StrBuf c = { 0 };
		const char *title, *nl, *dot;
		Shared *sh;

		if (!m->pos.file || m->pos.line < 2)
			continue;
		if (!loaded || strcmp(loaded, m->pos.file) != 0) {
			free(buf);
			buf = NULL;
			len = 0;
			loaded = m->pos.file;
			if (read_full_file(m->pos.file, DOC_FILE_MAX, &buf, &len) != 0) {
				free(buf);
				buf = NULL;
			}
		}
		if (!buf)
			continue;
		r = comment_above(buf, len, m->pos.line, &c);
		if (r < 0) {
			strbuf_done(&c);
			return r;
		}
		title = strbuf_str(&c);
		if (strncmp(title, DOC_SHARED_TAG, strlen(DOC_SHARED_TAG)) != 0) {
			strbuf_done(&c);
			continue;
		}
		title += strlen(DOC_SHARED_TAG);
		while (*title == ' ')
			title++;
		nl = strchrnul(title, '\n');
		dot = nl > title && nl[-1] == '.' ? nl - 1 : nl;
		sh = &ret->v[ret->n];
		sh->macro = i;
		sh->title = strndup(title, (size_t)(dot - title));
		sh->text = strdup(*nl ? nl + 1 : nl);
		strbuf_done(&c);
		if (!sh->title || !sh->text) {
			free(sh->title);
			free(sh->text);
			return -ENOMEM;
		}
		ret->n++;
	}
	return 0;
}

/* The lists and macros a macro reaches, the macro itself marked as seen. */
static void refs_collect_macro(Refs *r, const RuleSet *rs, size_t idx)
{
	size_t i;

	r->macro_seen[idx] = true;
	r->todo[r->ntodo++] = idx;
	for (i = 0; i < r->ntodo; i++) {
		const MacroDef *m = &rs->macros[r->todo[i]];

		if (m->condition.text)
			refs_scan(r, rs, m->condition.text, m->condition.len);
	}
}

/* ---- the document ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "`execve`, `execveat`" in name order, or how many types when the rule runs on all. */
static void put_evttypes(FILE *f, const Engine *e, const char *rule)
{
	const char *names[SAKER_EVT_MAX];
	const EngineRule *er = engine_find_rule(e, rule);
	const EvtTypeSet *set = er ? engine_rule_evttypes(er) : NULL;
	size_t n = 0, i;
	unsigned t;

	if (!set) {
		fputs("none: the rule is not compiled (its source is not syscall, or it uses a "
		      "field saker does not know)\n",
		      f);
		return;
	}
	if (evtset_is_full(set)) {
		fputs("every event type\n", f);
		return;
	}
	for (t = 0; t < SAKER_EVT_MAX; t++) {
		const struct event_info *ei = evtset_has(set, t) ? event_info_get(t) : NULL;

		if (ei && ei->name)
			names[n++] = ei->name;
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	if (n == 0)
		fputs("none (the rule can never match)", f);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			fprintf(f, "%s`%s`", i ? ", " : "", names[i]);
	fputc('\n', f);
}

static void put_tags(FILE *f, char *const *tags, size_t ntags)
{
	char path[16];
	size_t i;

	for (i = 0; i < ntags; i++) {
		fputs(i ? ", " : "", f);
		if (attack_technique_path(tags[i], path))
			fprintf(f, "[%s](https://attack.mitre.org/techniques/%s/)", tags[i], path);
		else
			fprintf(f, "`%s`", tags[i]);
	}
	fputs(ntags ? "\n" : "none\n", f);
}

/* A name in backquotes: names come from rule files and may hold a backquote. */
static void put_code(FILE *f, const char *s)
{
	bool tick = strchr(s, '`') != NULL;

	fprintf(f, "%s%s%s", tick ? "`` " : "`", s, tick ? " ``" : "`");
}

/*
 * The HTML anchor of a shared allow-list: its macro's name where that is
 * plain (an identifier, as in the shipped rules), else its index.  (Not a
 * heading: "###" headings are the rules', one each.)
 */
static void shared_anchor(StrBuf *sb, const RuleSet *rs, const Shared *sh)
{
	const char *n = rs->macros[sh->macro].name, *c;

	for (c = n; *c && (isalnum((unsigned char)*c) || *c == '_' || *c == '-'); c++)
		;
	if (*c || !*n)
		strbuf_printf(sb, "allow-list-%zu", sh->macro);
	else
		strbuf_puts(sb, n);
}

/* "[`name`](#its-anchor)" for a shared allow-list. */
static void put_shared_link(FILE *f, const RuleSet *rs, const Shared *sh)
{
	StrBuf a = { 0 };

	shared_anchor(&a, rs, sh);
	fputc('[', f);
	put_code(f, rs->macros[sh->macro].name);
	fprintf(f, "](#%s)", strbuf_str(&a));
	strbuf_done(&a);
}

static void put_tuning(FILE *f, const RuleSet *rs, const Refs *refs, const SharedSet *ss)
{
	size_t i;

	fputs("**False positives and tuning.** ", f);
	if (refs->nmacros == 0 && refs->nlists == 0) {
		fputs("The condition uses no allow-list macro or list: add an exception to the "
		      "rule, or append to its condition, in " DOC_LOCAL_DIR ".\n",
		      f);
		return;
	}
	fputs("Change what the condition reaches, in " DOC_LOCAL_DIR ":\n\n", f);
	for (i = 0; i < refs->nmacros; i++) {
		const MacroDef *m = &rs->macros[refs->macros[i]];

		fputs(is_allow_macro(m) ? "- allow-list macro " : "- site macro ", f);
		put_code(f, m->name);
		fprintf(f, " (%s): replace its condition with %s\n", base_name(m->pos.file),
			is_allow_macro(m) ? "what is expected here" : "what the site looks for");
	}
	for (i = 0; i < ss->n; i++) {
		const Shared *sh = &ss->v[i];

		if (!refs->macro_seen[sh->macro])
			continue;
		fputs("- shared allow-list ", f);
		put_shared_link(f, rs, sh);
		fprintf(f, " (%s)\n", base_name(rs->macros[sh->macro].pos.file));
	}
	for (i = 0; i < refs->nlists; i++) {
		const ListDef *l = &rs->lists[refs->lists[i]];

		fputs("- list ", f);
		put_code(f, l->name);
		fprintf(f, " (%s, %zu item%s)\n", base_name(l->pos.file), l->nitems,
			l->nitems == 1 ? "" : "s");
	}
}

static void put_condition(FILE *f, const RuleDef *rd)
{
	const char *s = rd->condition.text ? rd->condition.text : "";
	size_t n = rd->condition.text ? rd->condition.len : 0, i;

	/* a fence longer than any run of backquotes in the text */
	fputs("\n<details><summary>Condition</summary>\n\n````text\n", f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		fputc(c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f) ? c : '?', f);
	}
	if (n == 0 || s[n - 1] != '\n')
		fputc('\n', f);
	fputs("````\n\n</details>\n", f);
}

static void put_rule(FILE *f, const RuleSet *rs, const Engine *e, const RuleDef *rd,
		     const Advice *advice, const Refs *refs, const SharedSet *ss)
{
	StrBuf sb = { 0 };

	md_inline(&sb, rd->name, strlen(rd->name));
	fprintf(f, "\n### %s\n\n", strbuf_str(&sb));
	strbuf_done(&sb);
	fprintf(f, "- Priority: %s\n", priority_to_display(rd->priority));
	fputs("- Tags: ", f);
	put_tags(f, rd->tags, rd->ntags);
	fputs("- Event types: ", f);
	put_evttypes(f, e, rd->name);
	if (!rd->enabled)
		fputs("- Disabled by default: enable it with `enabled: true` and "
		      "`override: {enabled: replace}`\n",
		      f);

	fputs("\n**What it detects.** ", f);
	if (rd->desc && rd->desc[0]) {
		StrBuf d = { 0 };

		md_inline(&d, rd->desc, strlen(rd->desc));
		fprintf(f, "%s\n", strbuf_str(&d));
		strbuf_done(&d);
	} else
		fputs("The rule has no description.\n", f);

	fputs("\n**Why it matters and what to do.**\n\n", f);
	if (advice)
		md_text(f, advice->text);
	else
		fputs("No advice is written for this rule.\n", f);
	fputc('\n', f);
	put_tuning(f, rs, refs, ss);
	put_condition(f, rd);
}

static void put_intro(FILE *f)
{
	fputs("# The default rules\n"
	      "\n"
	      "<!-- Generated by saker doc from rules/*.yaml and rules/advice/*.yaml: edit those and "
	      "run\n"
	      "     build/saker doc rules --advice rules/advice > docs/rules.md -->\n"
	      "\n"
	      "This is the reference of the rules saker ships: for each rule, what it detects, why "
	      "it matters and what to do when it fires, how to tune it, and the event types it "
	      "runs on. It is generated from the rule files, their advice (the same text "
	      "`journalctl -x` shows, see [journald.md](journald.md)) and the compiled rules.\n"
	      "\n"
	      "## Where the rules live\n"
	      "\n"
	      "The package installs the rules in `" DOC_RULES_DIR "` (one file per topic, "
	      "loaded in name order). Do not edit them: they are replaced on upgrades. Local "
	      "changes go in files of their own in `" DOC_LOCAL_DIR "/*.yaml`, loaded after the "
	      "packaged ones in name order (`rules_files` in /etc/saker/saker.yaml, see "
	      "[configuration.md](configuration.md)). A later file changes what an earlier "
	      "one defined, with Falco's semantics:\n"
	      "\n"
	      "- an item with the name of an existing list, macro or rule and no `override` "
	      "replaces it whole;\n"
	      "- `override: {KEY: append}` adds to a key: `items` of a list, `condition` of a "
	      "macro, `condition`, `output`, `desc`, `tags` or `exceptions` of a rule (text "
	      "is appended after a space, so an appended condition starts with `and` or "
	      "`or`);\n"
	      "- `override: {KEY: replace}` replaces a key, and for a rule also `priority`, "
	      "`enabled`, `warn_evttypes` and `skip-if-unknown-filter`;\n"
	      "- `enabled: false` with `override: {enabled: replace}` switches a rule off "
	      "(the older forms `append: true` and a lone `enabled:` still load, with a "
	      "warning).\n"
	      "\n"
	      "Check the result with `saker validate " DOC_RULES_DIR " " DOC_LOCAL_DIR "` and "
	      "load it with `saker reload`. The condition language is described in "
	      "[conditions.md](conditions.md).\n"
	      "\n"
	      "## Tuning a rule\n"
	      "\n"
	      "Most rules end with `and not user_known_...`: a macro that is `(never_true)` in "
	      "the package and is there to be replaced by what is expected on a site. Many also "
	      "use lists: appending to a list the condition excludes (`not proc.name in "
	      "(credential_readers)`) silences the rule for those values, appending to a list it "
	      "looks for (`fd.name in (account_files)`) makes it fire on more. A few rules have a "
	      "site macro instead, `(never_true)` in the package, for what a site wants "
	      "reported. Each rule below names these macros and the lists its condition "
	      "reaches, through the macros it uses; its condition tells how each is used.\n"
	      "\n"
	      "For example, a backup agent that reads /etc/shadow, and configuration runs "
	      "started by a deployment tool, set off \"" DOC_EXAMPLE_RULE "\". A file "
	      "`" DOC_LOCAL_DIR "/50-site.yaml`:\n"
	      "\n"
	      "```yaml\n"
	      "# Programs of this site that read credential files.\n"
	      "- list: " DOC_EXAMPLE_LIST "\n"
	      "  items: [backup-agent]\n"
	      "  override:\n"
	      "    items: append\n"
	      "\n"
	      "- macro: " DOC_EXAMPLE_MACRO "\n"
	      "  condition: (proc.pname = deploy-runner and user.name = root)\n"
	      "  override:\n"
	      "    condition: replace\n"
	      "```\n"
	      "\n"
	      "Prefer a narrow allow-list (a program together with its parent, user or "
	      "container) to switching a rule off: the rule then still sees everything "
	      "else.\n",
	      f);
}

/* The introduction's example must name what the rules define. */
static int check_example(const RuleSet *rs)
{
	static const char *const what[] = { "rule", "list", "macro", "list", "macro" };
	const bool found[] = {
		ruleset_find_rule(rs, DOC_EXAMPLE_RULE) != NULL,
		ruleset_find_list(rs, DOC_EXAMPLE_LIST) != NULL,
		ruleset_find_macro(rs, DOC_EXAMPLE_MACRO) != NULL,
		ruleset_find_list(rs, DOC_SHARED_EXAMPLE_LIST) != NULL,
		ruleset_find_macro(rs, DOC_SHARED_EXAMPLE_MACRO) != NULL,
	};
	static const char *const name[] = { DOC_EXAMPLE_RULE, DOC_EXAMPLE_LIST,
					    DOC_EXAMPLE_MACRO, DOC_SHARED_EXAMPLE_LIST,
					    DOC_SHARED_EXAMPLE_MACRO };
	int r = 0;
	size_t i;

	for (i = 0; i < ELEMENTSOF(found); i++)
		if (!found[i]) {
			fprintf(stderr,
				"saker doc: the introduction's example uses %s '%s', which the "
				"rules do not define\n",
				what[i], name[i]);
			r = -ENOENT;
		}
	return r;
}

/* The items of a list, in backquotes. */
static void put_list_items(FILE *f, const ListDef *l)
{
	size_t i;

	for (i = 0; i < l->nitems; i++) {
		fputs(i ? ", " : "", f);
		put_code(f, l->items[i].value ? l->items[i].value : "");
	}
}

/* A link to a rule's section. */
static void put_rule_link(FILE *f, const char *name)
{
	StrBuf t = { 0 }, a = { 0 };

	md_inline(&t, name, strlen(name));
	md_anchor(&a, name);
	fprintf(f, "[%s](#%s)", strbuf_str(&t), strbuf_str(&a));
	strbuf_done(&t);
	strbuf_done(&a);
}

static int put_shared_one(FILE *f, const RuleSet *rs, const SharedSet *ss, const Shared *sh)
{
	const MacroDef *m = &rs->macros[sh->macro];
	_cleanup_(refs_done) Refs refs = { 0 };
	StrBuf t = { 0 };
	size_t i, nused = 0;
	bool first;
	int r;

	shared_anchor(&t, rs, sh);
	fprintf(f, "\n<a id=\"%s\"></a>\n", strbuf_str(&t));
	strbuf_reset(&t);
	md_inline(&t, sh->title, strlen(sh->title));
	fprintf(f, "**%s**: macro ", strbuf_str(&t));
	strbuf_done(&t);
	put_code(f, m->name);
	fprintf(f, " (%s)\n\n", base_name(m->pos.file));
	md_text(f, sh->text);

	r = refs_init(&refs, rs);
	if (r < 0)
		return r;
	refs_collect_macro(&refs, rs, sh->macro);
	first = true;
	for (i = 0; i < ss->n; i++) {
		if (&ss->v[i] == sh || !refs.macro_seen[ss->v[i].macro])
			continue;
		fputs(first ? "\n- Includes: " : ", ", f);
		put_shared_link(f, rs, &ss->v[i]);
		first = false;
	}
	if (!first)
		fputc('\n', f);
	for (i = 0; i < refs.nlists; i++) {
		const ListDef *l = &rs->lists[refs.lists[i]];

		fputs(first ? "\n- List " : "- List ", f);
		put_code(f, l->name);
		fprintf(f, " (%s): ", base_name(l->pos.file));
		put_list_items(f, l);
		fputc('\n', f);
		first = false;
	}
	fputs(first ? "\n- Used by: " : "- Used by: ", f);
	for (i = 0; i < rs->nrules; i++) {
		_cleanup_(refs_done) Refs rr = { 0 };

		r = refs_init(&rr, rs);
		if (r < 0)
			return r;
		refs_collect(&rr, rs, &rs->rules[i]);
		if (!rr.macro_seen[sh->macro])
			continue;
		fputs(nused++ ? ", " : "", f);
		put_rule_link(f, rs->rules[i].name);
	}
	fputs(nused ? "\n" : "no rule\n", f);
	return 0;
}

/*
 * The shared allow-lists: what each matches (its comment), the lists it
 * uses with their items, and the rules it silences.
 */
static int put_shared(FILE *f, const RuleSet *rs, const SharedSet *ss)
{
	size_t i;
	int r;

	if (ss->n == 0)
		return 0;
	fputs("\n## " DOC_SHARED_HEADING "\n"
	      "\n"
	      "What the operating system does every day, and several rules would otherwise report, "
	      "is recognised by shared allow-list macros: package installs, systemd, log rotation, "
	      "cron, logins, container runtimes. They match a program by its path "
	      "(`proc.exepath`) and what it starts by its ancestry (`proc.aexepath`), never by a "
	      "process name alone, which any program can take. A script is recognised by its "
	      "interpreter together with the script's path, which the kernel passes to the "
	      "interpreter as its first argument.\n"
	      "\n"
	      "Extend an allow-list in `" DOC_LOCAL_DIR "/*.yaml`, without editing the shipped "
	      "files: append items to one of its lists, or append a condition starting with `or` "
	      "to its macro. For example, a site's own package tool and a logrotate built into "
	      "/usr/local:\n"
	      "\n"
	      "```yaml\n"
	      "- list: " DOC_SHARED_EXAMPLE_LIST "\n"
	      "  items: [/opt/pkgtool/bin/pkgtool]\n"
	      "  override:\n"
	      "    items: append\n"
	      "\n"
	      "- macro: " DOC_SHARED_EXAMPLE_MACRO "\n"
	      "  condition: or (proc.exepath = /usr/local/sbin/logrotate\n"
	      "                 or proc.aexepath = /usr/local/sbin/logrotate)\n"
	      "  override:\n"
	      "    condition: append\n"
	      "```\n"
	      "\n"
	      "An addition to a shared allow-list silences every rule that uses it; to silence "
	      "one rule only, use that rule's `user_known_` macro.\n",
	      f);
	for (i = 0; i < ss->n; i++) {
		r = put_shared_one(f, rs, ss, &ss->v[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static void put_contents(FILE *f, const RuleSet *rs)
{
	const char *file = NULL;
	size_t i;

	fputs("\n## Rules\n", f);
	for (i = 0; i < rs->nrules; i++) {
		const RuleDef *rd = &rs->rules[i];
		StrBuf name = { 0 }, anchor = { 0 };

		if (!file || strcmp(file, base_name(rd->pos.file)) != 0) {
			file = base_name(rd->pos.file);
			md_inline(&name, file, strlen(file));
			md_anchor(&anchor, file);
			fprintf(f, "\n[%s](#%s)\n\n", strbuf_str(&name), strbuf_str(&anchor));
			strbuf_reset(&name);
			strbuf_reset(&anchor);
		}
		md_inline(&name, rd->name, strlen(rd->name));
		md_anchor(&anchor, rd->name);
		fprintf(f, "- [%s](#%s) (%s)\n", strbuf_str(&name), strbuf_str(&anchor),
			priority_to_display(rd->priority));
		strbuf_done(&name);
		strbuf_done(&anchor);
	}
}

static int write_doc(FILE *f, const RuleSet *rs, const Engine *e, AdviceSet *advice)
{
	_cleanup_(shared_done) SharedSet ss = { 0 };
	const char *file = NULL;
	size_t i;
	int r;

	r = shared_collect(rs, &ss);
	if (r < 0)
		return r;
	put_intro(f);
	r = put_shared(f, rs, &ss);
	if (r < 0)
		return r;
	put_contents(f, rs);
	for (i = 0; i < rs->nrules; i++) {
		const RuleDef *rd = &rs->rules[i];
		Advice *a = advice_find(advice, rd->name);
		_cleanup_(refs_done) Refs refs = { 0 };

		r = refs_init(&refs, rs);
		if (r < 0)
			return r;
		refs_collect(&refs, rs, rd);
		if (!file || strcmp(file, base_name(rd->pos.file)) != 0) {
			file = base_name(rd->pos.file);
			fprintf(f, "\n## %s\n", file);
		}
		if (a)
			a->used = true;
		else
			fprintf(stderr, "%s:%u: warning: rule '%s' has no advice\n",
				rd->pos.file ? rd->pos.file : "?", rd->pos.line, rd->name);
		put_rule(f, rs, e, rd, a, &refs, &ss);
	}
	if (fflush(f) != 0 || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

int cmd_doc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "advice", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(pathlist_done) PathList files = { 0 };
	_cleanup_(advice_set_done) AdviceSet advice = { 0 };
	_cleanup_(diags_done) Diags d = { 0 };
	_cleanup_(ruleset_freep) RuleSet *rs = NULL;
	_cleanup_(engine_freep) Engine *engine = NULL;
	int o, r, i;

	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
		switch (o) {
		case 'a':
			if (pathlist_add(&advice.files, optarg) < 0)
				return 1;
			break;
		case 'h':
			puts("Usage: saker doc [--advice PATH]... RULES...\n"
			     "Write the reference of the rules in Markdown to stdout: per rule\n"
			     "its priority, tags, event types, description, advice and the\n"
			     "allow-list macros and lists it uses (docs/rules.md).\n"
			     "  --advice PATH   what to do per rule: a YAML file (or a directory\n"
			     "                  of them) of {rule: NAME, advice: TEXT} items");
			return 0;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "saker doc: no rule file given\n");
		return 2;
	}
	for (i = optind; i < argc; i++)
		if (pathlist_add(&files, argv[i]) < 0)
			return 1;

	r = tool_load_rules(&files, &d, &rs);
	if (rs && r != -ENOMEM)
		r = engine_compile(rs, NULL, &d, &engine);
	/* warnings belong to saker validate: show only errors */
	if (diags_has_errors(&d))
		diags_print(&d, stderr);
	if (r == -ENOMEM) {
		fprintf(stderr, "saker doc: out of memory\n");
		return 1;
	}
	if (r < 0 || !engine)
		return 1;
	r = advice_load(&advice);
	if (r == -ENOMEM)
		fprintf(stderr, "saker doc: out of memory\n");
	if (r < 0)
		return 1;
	if (check_example(rs) < 0)
		return 1;

	r = write_doc(stdout, rs, engine, &advice);
	if (r < 0) {
		fprintf(stderr, "saker doc: cannot write stdout: %s\n", strerror(-r));
		return 1;
	}
	advice_warn_unused(&advice);
	return 0;
}
