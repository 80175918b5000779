// SPDX-License-Identifier: MIT
/*
 * saker catalog: the journal message catalog of a set of rules, so that
 * `journalctl -x` explains each alert the journald output wrote: what the
 * rule means (its description, priority, tags, condition) and what to do.
 * Rule files have no "what to do" key, so the advice comes from separate
 * YAML files (--advice), with advice built from the tags as a fallback.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/hashmap.h"
#include "output/out-journald.h"
#include "tool/tool.h"
#include "tool/ydom.h"

/* Body lines are wrapped at this many columns (a long word stays whole). */
#define CATALOG_WIDTH 76
/* Bytes of a rule's condition shown in its entry; longer ones are cut at a word. */
#define CATALOG_CONDITION_MAX 320
/* Bytes of one advice text. */
#define CATALOG_ADVICE_MAX (16u * 1024u)

/* sakerd's own alerts (daemon/sakerd/stats.c), with --internal. */
static const struct {
	const char *rule;
	Priority priority;
	const char *tags;
	const char *desc;
	const char *advice;
} internal_alerts[] = {
	{ "Event drops detected", PRI_CRITICAL, "saker, drops",
	  "sakerd could not keep up with the kernel: events were dropped before the rules saw "
	  "them, so alerts may be missing for that time. The entry counts the drops per reason "
	  "and the events captured.",
	  "- Treat the time before this alert as a blind spot: check the host by other means "
	  "for that period.\n"
	  "- Look at the drop reasons (saker stats): a full ring means a burst of events or a "
	  "busy sakerd; look for a process causing an event storm.\n"
	  "- Disable rules the site does not need (fewer system calls captured) or give sakerd "
	  "more CPU time." },
	{ "Outputs dropped alerts", PRI_ERROR, "saker, outputs",
	  "An output could not keep up with the alerts, or its destination was unreachable, and "
	  "lost alerts from its queue. The other outputs still received them. The entry names "
	  "each output with the number of alerts it lost.",
	  "- Find the output that lost alerts (saker stats) and repair its destination: a full "
	  "disk, a stuck program, an unreachable syslog server or journald.\n"
	  "- During an alert storm, tune the noisy rule or limit the alert rate "
	  "(outputs.rate, outputs.max_burst); a longer queue (outputs_queue.capacity) absorbs "
	  "short bursts." },
};

/* Advice by tag, used (in this order) for a rule that has no advice of its own. */
static const struct {
	const char *tag;
	const char *advice;
} tag_advice[] = {
	{ "container",
	  "In a container: inspect it (docker inspect or crictl inspect with SAKER_CONTAINER_ID), "
	  "its image and who started it. If the activity is unexpected, isolate the container "
	  "(stop its network or pause it) and keep its file system for analysis before it is "
	  "removed." },
	{ "filesystem",
	  "Check the file named in the alert: its content, owner and modification time, and "
	  "whether it still matches its package (dpkg --verify)." },
	{ "network",
	  "Check the remote end of the connection: who owns the address, which process holds "
	  "the connection (ss -tnp), and block the destination if it is unknown." },
	{ "shell",
	  "Find out what the shell ran: its command line, its children (ps -ef --forest) and "
	  "the shell history of the user." },
	{ "process",
	  "Examine the process: its command line and ancestry (ps -ef --forest, /proc/PID), and "
	  "keep a copy of its executable (/proc/PID/exe) before stopping it." },
	{ "users",
	  "Review recent account and privilege changes: /etc/passwd, /etc/group, sudoers, last "
	  "logins (last) and sudo use (journalctl _COMM=sudo)." },
	{ "mitre_credential_access",
	  "Treat the credentials the process could read as exposed and rotate them." },
	{ "mitre_persistence",
	  "Look for other footholds: cron jobs, systemd units, /etc/ld.so.preload, "
	  "authorized_keys files, new accounts." },
	{ "mitre_privilege_escalation",
	  "Check whether privileges were gained: new setuid files, sudoers changes, processes "
	  "running as root that should not." },
	{ "mitre_defense_evasion",
	  "Local logs may have been tampered with: compare them with the copies forwarded off "
	  "the host." },
	{ "mitre_execution",
	  "Find how the program arrived and what started it, and look for other processes "
	  "started the same way." },
	{ "mitre_command_and_control",
	  "Look for other hosts that contact the same destination." },
	{ "mitre_exfiltration", "Estimate what data the process could reach and send." },
	{ "mitre_lateral_movement", "Check this host's connections to other hosts of the site." },
	{ "mitre_discovery",
	  "Reconnaissance is often an early step: look for later alerts about the same process "
	  "or user." },
	{ "mitre_impact",
	  "Check the host's load and the process's resource use, and stop it if it hijacks "
	  "resources or destroys data." },
};

void advice_set_done(AdviceSet *s)
{
	size_t iter = 0;
	void *v;

	while (s->by_rule && strmap_next(s->by_rule, &iter, NULL, NULL, &v)) {
		free(((Advice *)v)->text);
		free(v);
	}
	strmap_free(s->by_rule);
	pathlist_done(&s->files);
}

static bool scalar_is(const YNode *n, const char *s)
{
	return ydom_is_scalar(n) && strcmp(n->value, s) == 0;
}

/* One item of an advice file: {rule: NAME, advice: TEXT}; returns 0 or a negative errno. */
static int advice_add_item(AdviceSet *s, const char *file, const YNode *item)
{
	const YNode *rule = NULL, *text = NULL;
	Advice *a, *old = NULL;
	size_t i;
	int r;

	if (item->type != Y_MAP) {
		fprintf(stderr, "%s:%u:%u: error: an advice item is a mapping: rule, advice\n",
			file, item->line, item->col);
		return -EINVAL;
	}
	for (i = 0; i + 1 < item->nitems; i += 2) {
		const YNode *k = item->items[i], *v = item->items[i + 1];

		if (scalar_is(k, "rule"))
			rule = v;
		else if (scalar_is(k, "advice"))
			text = v;
		else {
			fprintf(stderr,
				"%s:%u:%u: error: unknown key '%s' (expected rule, advice)\n", file,
				k->line, k->col, ydom_is_scalar(k) ? k->value : "?");
			return -EINVAL;
		}
	}
	if (!rule || !ydom_is_scalar(rule) || !rule->value[0] || !text || !ydom_is_scalar(text)) {
		fprintf(stderr, "%s:%u:%u: error: an advice item needs rule and advice (text)\n",
			file, item->line, item->col);
		return -EINVAL;
	}
	if (text->len > CATALOG_ADVICE_MAX) {
		fprintf(stderr, "%s:%u:%u: error: advice longer than %u bytes\n", file, text->line,
			text->col, CATALOG_ADVICE_MAX);
		return -EINVAL;
	}
	a = new0(Advice, 1);
	if (!a || !(a->text = strdup(text->value))) {
		free(a);
		return -ENOMEM;
	}
	/* the file name lives in s->files, which outlives the map */
	a->pos = (SrcPos){ .file = file, .line = rule->line, .col = rule->col };
	/* a later file (or item) replaces an earlier one's advice for the same rule */
	if (strmap_get(s->by_rule, rule->value, rule->len, (void **)&old)) {
		free(old->text);
		free(old);
	}
	r = strmap_put(s->by_rule, rule->value, rule->len, a);
	if (r < 0) {
		(void)strmap_remove(s->by_rule, rule->value, rule->len, NULL);
		free(a->text);
		free(a);
	}
	return r;
}

static int advice_load_file(AdviceSet *s, const char *file)
{
	_cleanup_(ydom_freep) YNode *root = NULL;
	_cleanup_free_ char *buf = NULL, *err = NULL;
	size_t len = 0, i;
	int r, ret = 0;

	r = read_full_file(file, YDOM_MAX_BYTES, &buf, &len);
	if (r != 0) {
		fprintf(stderr, "%s: %s\n", file, r > 0 ? "file too large" : strerror(-r));
		return r > 0 ? -EFBIG : r;
	}
	r = ydom_parse(buf, len, &root, &err);
	if (r < 0) {
		fprintf(stderr, "%s:%s\n", file, err ? err : " cannot parse");
		return r;
	}
	if (!root)
		return 0;
	if (root->type != Y_SEQ) {
		fprintf(stderr, "%s:%u:%u: error: an advice file is a list of {rule, advice}\n",
			file, root->line, root->col);
		return -EINVAL;
	}
	for (i = 0; i < root->nitems; i++) {
		r = advice_add_item(s, file, root->items[i]);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			ret = r;
	}
	return ret;
}

int advice_load(AdviceSet *s)
{
	size_t i;
	int r, ret = 0;

	if (!s->by_rule && !(s->by_rule = strmap_new()))
		return -ENOMEM;
	for (i = 0; i < s->files.n; i++) {
		r = advice_load_file(s, s->files.v[i]);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			ret = r;
	}
	return ret;
}

Advice *advice_find(const AdviceSet *s, const char *rule)
{
	void *v = NULL;

	return strmap_get(s->by_rule, rule, strlen(rule), &v) ? v : NULL;
}

void advice_warn_unused(const AdviceSet *s)
{
	size_t iter = 0, klen;
	const char *key;
	void *v;

	/* advice nobody asked for is most likely a misspelt rule name */
	while (s->by_rule && strmap_next(s->by_rule, &iter, &key, &klen, &v)) {
		const Advice *a = v;

		if (!a->used)
			fprintf(stderr,
				"%s:%u:%u: warning: advice for rule '%.*s', which is not loaded\n",
				a->pos.file, a->pos.line, a->pos.col, (int)klen, key);
	}
}

/* ---- writing ---- */

/*
 * One body line.  journald's catalog parser skips lines that start with '#'
 * or ';' wherever they are, and "-- " after an empty line may start an
 * entry: such lines get a leading space.
 */
static void put_line(FILE *f, const char *s, size_t n)
{
	if (n > 0 && (s[0] == '#' || s[0] == ';' || (n > 1 && s[0] == '-' && s[1] == '-')))
		fputc(' ', f);
	fwrite(s, 1, n, f);
	fputc('\n', f);
}

/*
 * The words of text[0..len) wrapped at CATALOG_WIDTH: the first line starts
 * with lead, the others with as many spaces.  Control bytes become '?'.
 */
static void put_wrapped(FILE *f, const char *lead, const char *text, size_t len)
{
	size_t indent = strlen(lead), i = 0, k;
	StrBuf line = { 0 };
	bool empty = true;

	strbuf_puts(&line, lead);
	while (i < len) {
		size_t start;

		while (i < len && isspace((unsigned char)text[i]))
			i++;
		start = i;
		while (i < len && !isspace((unsigned char)text[i]))
			i++;
		if (i == start)
			break;
		if (!empty && line.len + 1 + (i - start) > CATALOG_WIDTH) {
			put_line(f, strbuf_str(&line), line.len);
			strbuf_reset(&line);
			for (k = 0; k < indent; k++)
				strbuf_putc(&line, ' ');
			empty = true;
		}
		if (!empty)
			strbuf_putc(&line, ' ');
		for (k = start; k < i; k++) {
			unsigned char c = (unsigned char)text[k];

			strbuf_putc(&line, c < 0x20 || c == 0x7f ? '?' : (char)c);
		}
		empty = false;
	}
	if (!empty)
		put_line(f, strbuf_str(&line), line.len);
	strbuf_done(&line);
}

void text_blocks(const char *text, text_block_fn fn, void *userdata)
{
	StrBuf item = { 0 };
	bool bullet = false, prev_bullet = false, gap = false, first = true;
	const char *p = text;

	for (;;) {
		const char *end = strchrnul(p, '\n'), *s = p;
		bool blank, starts_item;

		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		blank = s == end;
		starts_item = end - s >= 2 && s[0] == '-' && s[1] == ' ';
		if ((blank || starts_item || !*p) && item.len > 0) {
			fn(userdata, &(TextBlock){ .text = strbuf_str(&item), .len = item.len,
						   .bullet = bullet, .prev_bullet = prev_bullet,
						   .gap = gap, .first = first });
			strbuf_reset(&item);
			first = false;
			prev_bullet = bullet;
			gap = false;
		}
		if (!*p)
			break;
		if (blank)
			gap = true;
		else {
			if (starts_item) {
				bullet = true;
				s += 2;
			} else if (item.len == 0)
				bullet = false;
			if (item.len > 0)
				strbuf_putc(&item, ' ');
			strbuf_append(&item, s, (size_t)(end - s));
		}
		p = *end ? end + 1 : end;
	}
	strbuf_done(&item);
}

/* Catalog text: blocks of wrapped lines, a blank line where the source had one. */
static void put_block(void *userdata, const TextBlock *b)
{
	FILE *f = userdata;

	if (b->gap && !b->first)
		fputc('\n', f);
	put_wrapped(f, b->bullet ? "- " : "", b->text, b->len);
}

static void put_text(FILE *f, const char *text)
{
	text_blocks(text, put_block, f);
}

bool attack_technique_path(const char *tag, char ret[16])
{
	size_t n = strlen(tag);

	if (!(n == 5 || n == 9) || tag[0] != 'T' || strspn(tag + 1, "0123456789") != 4)
		return false;
	if (n == 9 && (tag[5] != '.' || strspn(tag + 6, "0123456789") != 3))
		return false;
	snprintf(ret, 16, "%.5s%s%s", tag, n == 9 ? "/" : "", n == 9 ? tag + 6 : "");
	return true;
}

static void put_header(FILE *f, const char *rule, const char *support, char *const *tags,
		       size_t ntags)
{
	char id[JOURNALD_MESSAGE_ID_LEN + 1], path[16];
	bool doc = false;
	const char *c;
	size_t i;

	journald_message_id(rule, strlen(rule), id);
	fprintf(f, "-- %s\nSubject: ", id);
	/* one line: control characters would end the header */
	for (c = rule; *c; c++)
		fputc((unsigned char)*c < 0x20 || *c == 0x7f ? ' ' : *c, f);
	fputs("\nDefined-By: saker\n", f);
	if (support)
		fprintf(f, "Support: %s\n", support);
	for (i = 0; i < ntags; i++) {
		if (!attack_technique_path(tags[i], path))
			continue;
		fprintf(f, "%s https://attack.mitre.org/techniques/%s/",
			doc ? "" : "Documentation:", path);
		doc = true;
	}
	fputs(doc ? "\n\n" : "\n", f);
}

/* The tuning paragraph every entry ends with. */
static void put_tuning(FILE *f)
{
	put_text(f, "If the activity is expected on this host, tune the rule instead of ignoring "
		    "it: add an exception, or extend the rule's user_known_* macro, in a file in "
		    SAKER_SYSCONFDIR "/rules.d/ (the packaged rule files are replaced on "
		    "upgrades), check it with saker validate and reload sakerd.");
}

static bool has_tag(char *const *tags, size_t ntags, const char *tag)
{
	size_t i;

	for (i = 0; i < ntags; i++)
		if (strcmp(tags[i], tag) == 0)
			return true;
	return false;
}

/* Advice from the rule's tags (the advice a rule without its own gets). */
static void put_tag_advice(FILE *f, char *const *tags, size_t ntags)
{
	StrBuf sb = { 0 };
	size_t i;

	strbuf_puts(&sb, "- Decide whether the activity was expected: who ran it (user), what "
			 "started it (parent and command line) and whether a change or deployment "
			 "explains it. The entry's SAKER_* fields hold every value of the alert "
			 "(journalctl -o verbose).\n");
	for (i = 0; i < ELEMENTSOF(tag_advice); i++)
		if (has_tag(tags, ntags, tag_advice[i].tag))
			strbuf_printf(&sb, "- %s\n", tag_advice[i].advice);
	put_text(f, strbuf_str(&sb));
	strbuf_done(&sb);
}

static void put_rule(FILE *f, const RuleDef *rd, const Advice *advice, const char *support)
{
	const char *file = rd->pos.file ? strrchr(rd->pos.file, '/') : NULL;
	StrBuf sb = { 0 };
	size_t i, n, cut;

	put_header(f, rd->name, support, rd->tags, rd->ntags);
	put_text(f, rd->desc && rd->desc[0] ? rd->desc : "This rule has no description.");
	fputc('\n', f);

	file = file ? file + 1 : rd->pos.file;
	strbuf_printf(&sb, "Rule \"%s\" (%s, line %u), priority %s, source %s.", rd->name,
		      file ? file : "?", rd->pos.line, priority_to_display(rd->priority),
		      rd->source ? rd->source : "syscall");
	put_wrapped(f, "", strbuf_str(&sb), sb.len);
	if (rd->ntags > 0) {
		strbuf_reset(&sb);
		for (i = 0; i < rd->ntags; i++)
			strbuf_printf(&sb, "%s%s", i ? ", " : "", rd->tags[i]);
		put_wrapped(f, "Tags: ", strbuf_str(&sb), sb.len);
	}
	/* the condition on one line, cut at a word past CATALOG_CONDITION_MAX */
	strbuf_reset(&sb);
	n = rd->condition.text ? rd->condition.len : 0;
	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)rd->condition.text[i]) || (sb.len > 0 &&
		    sb.buf[sb.len - 1] != ' '))
			strbuf_putc(&sb, isspace((unsigned char)rd->condition.text[i]) ? ' '
									  : rd->condition.text[i]);
	if (sb.len > CATALOG_CONDITION_MAX) {
		for (cut = CATALOG_CONDITION_MAX; cut > 0 && sb.buf[cut] != ' '; cut--)
			;
		sb.len = cut ? cut : CATALOG_CONDITION_MAX;
		strbuf_puts(&sb, " ...");
	}
	if (sb.len > 0)
		put_wrapped(f, "Condition: ", strbuf_str(&sb), sb.len);
	strbuf_done(&sb);

	fputs("\nWhat to do:\n", f);
	if (advice)
		put_text(f, advice->text);
	else
		put_tag_advice(f, rd->tags, rd->ntags);
	fputc('\n', f);
	put_tuning(f);
	fputc('\n', f);
}

static void put_internal(FILE *f, size_t i, const char *support)
{
	char tags[64], *tagv[4], *save = NULL, *t;
	size_t ntags = 0;

	snprintf(tags, sizeof(tags), "%s", internal_alerts[i].tags);
	for (t = strtok_r(tags, ", ", &save); t && ntags < ELEMENTSOF(tagv);
	     t = strtok_r(NULL, ", ", &save))
		tagv[ntags++] = t;
	put_header(f, internal_alerts[i].rule, support, tagv, ntags);
	put_text(f, internal_alerts[i].desc);
	fprintf(f, "\nAn alert of sakerd itself, priority %s, tags: %s.\n\nWhat to do:\n",
		priority_to_display(internal_alerts[i].priority), internal_alerts[i].tags);
	put_text(f, internal_alerts[i].advice);
	fputc('\n', f);
}

static int write_catalog(FILE *f, const RuleSet *rs, AdviceSet *advice, bool internal,
			 const char *support)
{
	size_t i;

	fputs("# The journal message catalog of saker's rules, for journalctl -x.\n"
	      "# Generated by saker catalog: edit the rules or their advice, not this file.\n\n",
	      f);
	for (i = 0; i < rs->nrules; i++) {
		Advice *a = advice_find(advice, rs->rules[i].name);

		if (a)
			a->used = true;
		put_rule(f, &rs->rules[i], a, support);
	}
	for (i = 0; internal && i < ELEMENTSOF(internal_alerts); i++)
		put_internal(f, i, support);
	if (fflush(f) != 0 || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

/* Writes the catalog to path through a temporary file renamed over it. */
static int write_catalog_file(const char *path, const RuleSet *rs, AdviceSet *advice,
			      bool internal, const char *support)
{
	_cleanup_free_ char *tmp = NULL;
	FILE *f;
	int fd, r;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	(void)fchmod(fd, 0644);
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	r = write_catalog(f, rs, advice, internal, support);
	if (fclose(f) != 0 && r >= 0)
		r = -errno;
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int cmd_catalog(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "advice", required_argument, NULL, 'a' },
		{ "support", required_argument, NULL, 's' },
		{ "internal", no_argument, NULL, 'i' },
		{ "require-advice", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(pathlist_done) PathList files = { 0 };
	_cleanup_(advice_set_done) AdviceSet advice = { 0 };
	_cleanup_(diags_done) Diags d = { 0 };
	_cleanup_(ruleset_freep) RuleSet *rs = NULL;
	const char *output = NULL, *support = NULL;
	bool internal = false, require = false, missing = false;
	size_t i;
	int o, r;

	optind = 1;
	while ((o = getopt_long(argc, argv, "o:h", opts, NULL)) >= 0) {
		switch (o) {
		case 'o':
			output = optarg;
			break;
		case 'a':
			if (pathlist_add(&advice.files, optarg) < 0)
				return 1;
			break;
		case 's':
			support = optarg;
			break;
		case 'i':
			internal = true;
			break;
		case 'R':
			require = true;
			break;
		case 'h':
			puts("Usage: saker catalog [-o FILE] [--advice PATH]... [--support URL] "
			     "[--internal]\n"
			     "                     [--require-advice] RULES...\n"
			     "Write the journal message catalog of the rules (journalctl -x),\n"
			     "one entry per rule under its MESSAGE_ID, to FILE or stdout.\n"
			     "  -o, --output FILE   write FILE (replaced whole), not stdout\n"
			     "  --advice PATH       what to do per rule: a YAML file (or a\n"
			     "                      directory of them) of {rule: NAME,\n"
			     "                      advice: TEXT} items; rules without advice\n"
			     "                      get advice built from their tags\n"
			     "  --support URL       the entries' Support: header\n"
			     "  --internal          add entries for sakerd's own alerts\n"
			     "  --require-advice    fail when a rule has no advice of its own");
			return 0;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "saker catalog: no rule file given\n");
		return 2;
	}
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (pathlist_add(&files, argv[i]) < 0)
			return 1;

	r = tool_load_rules(&files, &d, &rs);
	diags_print(&d, stderr);
	if (r == -ENOMEM || !rs) {
		fprintf(stderr, "saker catalog: out of memory\n");
		return 1;
	}
	if (r < 0)
		return 1;
	advice.by_rule = strmap_new();
	if (!advice.by_rule) {
		fprintf(stderr, "saker catalog: out of memory\n");
		return 1;
	}
	r = advice_load(&advice);
	if (r == -ENOMEM)
		fprintf(stderr, "saker catalog: out of memory\n");
	if (r < 0)
		return 1;

	for (i = 0; require && i < rs->nrules; i++)
		if (!advice_find(&advice, rs->rules[i].name)) {
			fprintf(stderr, "%s:%u: error: rule '%s' has no advice\n",
				rs->rules[i].pos.file ? rs->rules[i].pos.file : "?",
				rs->rules[i].pos.line, rs->rules[i].name);
			missing = true;
		}
	if (missing)
		return 1;

	if (output)
		r = write_catalog_file(output, rs, &advice, internal, support);
	else
		r = write_catalog(stdout, rs, &advice, internal, support);
	if (r < 0) {
		fprintf(stderr, "saker catalog: cannot write %s: %s\n", output ? output : "stdout",
			strerror(-r));
		return 1;
	}
	advice_warn_unused(&advice);
	return 0;
}
