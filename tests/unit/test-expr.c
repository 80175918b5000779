// SPDX-License-Identifier: MIT
/*
 * Unit tests of the condition language: lexer, parser, compiler and
 * evaluator, plus the operator cases kept as plain-text triplets in
 * tests/unit/data/expr/ (condition, event, expected result).  Fields come
 * from the fake table in fake-fields.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/strbuf.h"
#include "event/event-info.h"
#include "expr-testutil.h"
#include "fake-fields.h"
#include "rules/expr-internal.h"
#include "rules/lexer.h"
#include "rules/literal.h"
#include "rules/match.h"
#include "rules/parser.h"

#ifndef EXPR_TEST_DATA
#define EXPR_TEST_DATA "tests/unit/data/expr"
#endif

static Diags diags;
static RuleSet *rs;
static ExprPool *pool;
static ExprCompiler *cc;
static EvalCtx ctx;
static SkEvent ev;

/* The lists and macros every test (and every triplet) may use. */
static RuleSet *base_ruleset(void)
{
	RuleSet *r = trs_new();

	trs_list(r, 1, "shell_binaries", "sh", "bash", "zsh", NULL);
	trs_list(r, 3, "more_shells", "shell_binaries", "fish", NULL);
	trs_list(r, 5, "empty_list", NULL);
	trs_list(r, 7, "quoted_items", "\"sh -c ls\"", "'it''s'", "plain item", NULL);
	trs_list(r, 9, "private_nets", "10.0.0.0/8", "192.168.0.0/16", "fd00::/8", NULL);
	trs_list(r, 11, "ssh_ports", "22", "2222", NULL);
	trs_list(r, 13, "etc_dirs", "/etc", "/usr/local/etc", NULL);
	trs_list(r, 15, "cycle_a", "x", "cycle_b", NULL);
	trs_list(r, 17, "cycle_b", "cycle_a", NULL);
	trs_macro(r, 20, "open_write", "evt.type in (open, openat) and evt.is_open_write = true");
	trs_macro(r, 22, "spawned_shell", "proc.name in (shell_binaries)");
	trs_macro(r, 24, "in_container", "container.id != host");
	trs_macro(r, 26, "loop1", "proc.name = a or loop2");
	trs_macro(r, 28, "loop2", "loop1");
	trs_macro(r, 30, "self_loop", "not self_loop");
	trs_macro(r, 32, "never_true", "(evt.dir = '>')");
	trs_macro(r, 34, "broken", "proc.name = (");
	trs_macro(r, 36, "bad_field", "proc.nmae = x");
	trs_macro(r, 38, "nested_ok", "spawned_shell and in_container");
	return r;
}

static int setup(void **state)
{
	memset(&diags, 0, sizeof(diags));
	rs = base_ruleset();
	pool = expr_pool_new();
	assert_non_null(pool);
	assert_int_equal(expr_compiler_new(rs, pool, &diags, &cc), 0);
	ev = (SkEvent){ .type = SAKER_EVT_OPENAT, .info = event_info_get(SAKER_EVT_OPENAT) };
	ctx.evt = &ev;
	fake_reset();
	return 0;
}

static int teardown(void **state)
{
	expr_compiler_free(cc);
	expr_pool_free(pool);
	trs_free(rs);
	diags_done(&diags);
	fake_reset();
	return 0;
}

static Expr *compile_line(const char *cond, unsigned line, unsigned col)
{
	SrcText t = { 0 };
	Expr *e = NULL;
	int r;

	trs_srctext(&t, cond, line, col);
	r = expr_compile_condition(cc, &t, "rule 'test'", &e);
	srctext_done(&t);
	return r < 0 ? NULL : e;
}

static Expr *compile(const char *cond)
{
	return compile_line(cond, 1, 1);
}

static bool eval_with(const Expr *e, const char *event)
{
	int type = SAKER_EVT_OPENAT;

	fake_reset();
	assert_int_equal(fake_set_line(event ? event : "", &type), 0);
	ev.type = (uint16_t)type;
	ev.info = event_info_get((unsigned)type);
	eval_reset(&ctx);
	expr_pool_begin_event(pool);
	return expr_eval(e, pool, &ctx);
}

/* Compile and evaluate; fails the test on a compile error. */
static bool run(const char *cond, const char *event)
{
	Expr *e = compile(cond);

	if (!e)
		fail_msg("'%s' did not compile:\n%s", cond, diags_text(&diags));
	return eval_with(e, event);
}

#define assert_match(cond, event) assert_true(run(cond, event))
#define assert_no_match(cond, event) assert_false(run(cond, event))

/* Compile must fail with an error containing msg at line:col (0: any). */
static void check_error(const char *cond, const char *msg, unsigned line, unsigned col)
{
	const Diag *d;

	diags_done(&diags);
	if (compile(cond))
		fail_msg("'%s' compiled but should fail with '%s'", cond, msg);
	d = diag_find(&diags, DIAG_ERROR, msg);
	if (!d)
		fail_msg("'%s': no error containing '%s' in:\n%s", cond, msg, diags_text(&diags));
	if (line && (d->pos.line != line || d->pos.col != col))
		fail_msg("'%s': error '%s' at %u:%u, expected %u:%u", cond, d->msg, d->pos.line,
			 d->pos.col, line, col);
}

static void check_warning(const char *cond, const char *msg)
{
	diags_done(&diags);
	if (!compile(cond))
		fail_msg("'%s' did not compile:\n%s", cond, diags_text(&diags));
	if (!diag_find(&diags, DIAG_WARNING, msg))
		fail_msg("'%s': no warning containing '%s' in:\n%s", cond, msg, diags_text(&diags));
}

/* ---- lexer ---- */

static void test_lexer_tokens(void **state)
{
	Lexer lx;
	bool is_val;

	lexer_init(&lx, "proc.aname[2] evt.arg.flags x_1 and android", 43);
	assert_int_equal(lex_field_name(&lx), 10);
	assert_true(lex_char(&lx, '['));
	assert_int_equal(lex_bare_arg(&lx), 1);
	assert_true(lex_char(&lx, ']'));
	assert_true(lex_blank(&lx));
	assert_int_equal(lex_field_name(&lx), 13);
	lex_blank(&lx);
	assert_int_equal(lex_field_name(&lx), 0); /* no dot: not a field */
	assert_int_equal(lex_identifier(&lx), 3);
	lex_blank(&lx);
	assert_true(lex_keyword(&lx, "and"));
	lex_blank(&lx);
	assert_false(lex_keyword(&lx, "and")); /* "android" */
	assert_int_equal(lex_identifier(&lx), 7);
	assert_true(lex_eof(&lx));

	lexer_init(&lx, "0x1F -12 3.5e+2 +7 12abc", 24);
	assert_int_equal(lex_number(&lx), 4);
	lex_blank(&lx);
	assert_int_equal(lex_number(&lx), 3);
	lex_blank(&lx);
	assert_int_equal(lex_number(&lx), 6);
	lex_blank(&lx);
	assert_int_equal(lex_number(&lx), 2);
	lex_blank(&lx);
	assert_int_equal(lex_number(&lx), 2); /* "12", then "abc" is left */
	assert_int_equal(lex_peek(&lx), 'a');

	lexer_init(&lx, "/etc/a-b.c,x (y) a=b 'q'", 24);
	assert_int_equal(lex_bare(&lx), 10);
	assert_true(lex_char(&lx, ','));
	assert_int_equal(lex_bare(&lx), 1);
	lex_blank(&lx);
	assert_int_equal(lex_bare(&lx), 0); /* '(' */
	lex_char(&lx, '(');
	assert_int_equal(lex_bare(&lx), 1);
	lex_char(&lx, ')');
	lex_blank(&lx);
	assert_int_equal(lex_bare(&lx), 1); /* stops at '=' */
	assert_int_equal(lex_peek(&lx), '=');

	lexer_init(&lx, "tolower(x) tolower x val(y) len (z)", 35);
	assert_int_equal(lex_transformer(&lx, false, &is_val), XF_TOLOWER);
	lx.pos = 11;
	assert_int_equal(lex_transformer(&lx, false, &is_val), XF_INVALID);
	lx.pos = 21;
	assert_int_equal(lex_transformer(&lx, false, &is_val), XF_INVALID); /* val not allowed */
	assert_int_equal(lex_transformer(&lx, true, &is_val), XF_INVALID);
	assert_true(is_val);
	lx.pos = 28;
	assert_int_equal(lex_transformer(&lx, false, &is_val), XF_INVALID); /* "len (" */
}

static void test_lexer_ops(void **state)
{
	static const struct {
		const char *text;
		ExprOp op;
		size_t len;
	} cases[] = {
		{ "=x", OP_EQ, 1 },
		{ "==x", OP_EQ, 2 },
		{ "!=x", OP_NE, 2 },
		{ "<=1", OP_LE, 2 },
		{ "<1", OP_LT, 1 },
		{ ">=1", OP_GE, 2 },
		{ ">1", OP_GT, 1 },
		{ "contains x", OP_CONTAINS, 8 },
		{ "in(a)", OP_IN, 2 },
		{ "intersects (a)", OP_INTERSECTS, 10 },
		{ "pmatch (a)", OP_PMATCH, 6 },
		{ "bstartswith 00", OP_BSTARTSWITH, 11 },
		{ "exists", OP_EXISTS, 6 },
		{ "regex x", OP_REGEX, 5 },
		{ "iglob x", OP_IGLOB, 5 },
		{ "!x", OP_INVALID, 0 },
		{ "inx", OP_INVALID, 0 },
		{ "contain x", OP_INVALID, 0 },
	};
	size_t i;

	for (i = 0; i < ELEMENTSOF(cases); i++) {
		Lexer lx;

		lexer_init(&lx, cases[i].text, strlen(cases[i].text));
		assert_int_equal(lex_op(&lx), cases[i].op);
		assert_int_equal(lx.pos, cases[i].len);
	}
	assert_string_equal(op_name(OP_STARTSWITH), "startswith");
	assert_int_equal(op_from_string("==", 2), OP_EQ);
	assert_int_equal(op_from_string("nope", 4), OP_INVALID);
}

static void check_quoted(const char *in, const char *out, const char *err)
{
	char *v = NULL;
	size_t n;
	LexError le;
	Lexer lx;
	int r;

	lexer_init(&lx, in, strlen(in));
	r = lex_quoted(&lx, &v, &n, &le);
	if (err) {
		assert_int_equal(r, -EINVAL);
		if (!strstr(le.msg, err))
			fail_msg("%s: '%s' does not contain '%s'", in, le.msg, err);
		return;
	}
	assert_int_equal(r, 1);
	assert_int_equal(n, strlen(out));
	assert_memory_equal(v, out, n);
	assert_int_equal(lx.pos, strlen(in));
	free(v);
}

static void test_lexer_strings(void **state)
{
	check_quoted("\"a b\"", "a b", NULL);
	check_quoted("'a \"b\"'", "a \"b\"", NULL);
	check_quoted("\"t\\tn\\nr\\rb\\bf\\f\"", "t\tn\nr\rb\bf\f", NULL);
	check_quoted("\"x\\\\y\\/z\"", "x\\y/z", NULL);
	check_quoted("\"q\\\"q\"", "q\"q", NULL);
	check_quoted("'q\\'q'", "q'q", NULL);
	check_quoted("\"a\\ b\"", "a\\b", NULL); /* Falco: "\ " yields a backslash */
	check_quoted("\"\"", "", NULL);
	check_quoted("\"x\\\"", NULL, "unterminated");
	check_quoted("\"abc", NULL, "unterminated");
	check_quoted("\"\\q\"", NULL, "unsupported escape");
	check_quoted("'\\\"'", NULL, "invalid \\\" escape");
	check_quoted("\"\\'\"", NULL, "invalid \\' escape");
}

/* ---- parser ---- */

static void print_str(StrBuf *sb, const AstStr *s)
{
	if (s->quoted)
		strbuf_printf(sb, "\"%s\"", s->s);
	else
		strbuf_puts(sb, s->s);
}

static void print_value(StrBuf *sb, const AstValue *v)
{
	size_t i;

	switch (v->kind) {
	case AV_FIELD:
		strbuf_puts(sb, v->field.name.s);
		if (v->field.has_arg)
			strbuf_printf(sb, "[%s]", v->field.arg.s);
		break;
	case AV_XFORM:
		strbuf_printf(sb, "%s(", xform_name(v->xform.kind));
		print_value(sb, v->xform.arg);
		strbuf_putc(sb, ')');
		break;
	case AV_VAL:
		strbuf_puts(sb, "val(");
		print_value(sb, v->val);
		strbuf_putc(sb, ')');
		break;
	case AV_STRING:
		print_str(sb, &v->string.str);
		break;
	case AV_LIST:
		strbuf_putc(sb, '[');
		for (i = 0; i < v->list.n; i++) {
			if (i)
				strbuf_putc(sb, ' ');
			print_str(sb, &v->list.items[i]);
		}
		strbuf_putc(sb, ']');
		break;
	case AV_LISTREF:
		strbuf_printf(sb, "@%s", v->listref.s);
		break;
	}
}

static void print_ast(StrBuf *sb, const Ast *a)
{
	size_t i;

	switch (a->kind) {
	case AST_AND:
	case AST_OR:
		strbuf_puts(sb, a->kind == AST_AND ? "(and" : "(or");
		for (i = 0; i < a->bin.n; i++) {
			strbuf_putc(sb, ' ');
			print_ast(sb, a->bin.kids[i]);
		}
		strbuf_putc(sb, ')');
		break;
	case AST_NOT:
		strbuf_puts(sb, "(not ");
		print_ast(sb, a->not_kid);
		strbuf_putc(sb, ')');
		break;
	case AST_CHECK:
		strbuf_printf(sb, "(%s ", op_name(a->check.op));
		print_value(sb, a->check.lhs);
		if (a->check.rhs) {
			strbuf_putc(sb, ' ');
			print_value(sb, a->check.rhs);
		}
		strbuf_putc(sb, ')');
		break;
	case AST_MACRO:
		strbuf_puts(sb, a->macro.s);
		break;
	case AST_BOOL:
		strbuf_puts(sb, a->value ? "true" : "false");
		break;
	}
}

static void check_parse(const char *cond, const char *expected)
{
	Arena arena = { 0 };
	AstSrc src = { 0 };
	StrBuf sb = { 0 };
	ParseError pe;
	Ast *root;
	int r;

	r = ast_parse(&arena, &src, cond, strlen(cond), &root, &pe);
	if (r < 0)
		fail_msg("'%s': %s at %zu", cond, pe.msg, pe.off);
	print_ast(&sb, root);
	if (strcmp(strbuf_str(&sb), expected) != 0)
		fail_msg("'%s' parsed as\n  %s\nexpected\n  %s", cond, strbuf_str(&sb), expected);
	strbuf_done(&sb);
	arena_done(&arena);
}

static void check_parse_error(const char *cond, const char *msg, size_t off)
{
	Arena arena = { 0 };
	AstSrc src = { 0 };
	ParseError pe;
	Ast *root;
	int r;

	r = ast_parse(&arena, &src, cond, strlen(cond), &root, &pe);
	if (r != -EINVAL)
		fail_msg("'%s' parsed but should fail with '%s'", cond, msg);
	if (!strstr(pe.msg, msg))
		fail_msg("'%s': error '%s' does not contain '%s'", cond, pe.msg, msg);
	if (off != SIZE_MAX && pe.off != off)
		fail_msg("'%s': error '%s' at offset %zu, expected %zu", cond, pe.msg, pe.off, off);
	arena_done(&arena);
}

static void test_parser_precedence(void **state)
{
	check_parse("a and b or c", "(or (and a b) c)");
	check_parse("a or b and c", "(or a (and b c))");
	check_parse("not a and b", "(and (not a) b)");
	check_parse("a or not b and c", "(or a (and (not b) c))");
	check_parse("not (a or b)", "(not (or a b))");
	check_parse("not not a", "(not (not a))");
	check_parse("not(a)", "(not a)");
	check_parse("(a or b) and c", "(and (or a b) c)");
	check_parse("a and b and c or d or e", "(or (and a b c) d e)");
	check_parse("((a))", "a");
	check_parse("a and(b or c)", "(and a (or b c))");
	check_parse("a or(b)", "(or a b)");
	check_parse("  a\n\tand\r\nb  ", "(and a b)");
}

static void test_parser_checks(void **state)
{
	check_parse("proc.name = bash", "(= proc.name bash)");
	check_parse("proc.name==bash", "(= proc.name bash)");
	check_parse("proc.name != 'a b'", "(!= proc.name \"a b\")");
	check_parse("fd.name startswith /etc/", "(startswith fd.name /etc/)");
	check_parse("evt.arg.flags contains O_CREAT|O_TRUNC",
		    "(contains evt.arg.flags O_CREAT|O_TRUNC)");
	check_parse("proc.aname[2] = sshd", "(= proc.aname[2] sshd)");
	check_parse("proc.env[\"HOME\"] = /root", "(= proc.env[HOME] /root)");
	check_parse("evt.arg[0] < 5", "(< evt.arg[0] 5)");
	check_parse("proc.pid >= -1", "(>= proc.pid -1)");
	check_parse("proc.pid<=0x10", "(<= proc.pid 0x10)");
	check_parse("proc.name in (a, \"b c\", shell_binaries)",
		    "(in proc.name [a \"b c\" shell_binaries])");
	check_parse("proc.name in(a,b)", "(in proc.name [a b])");
	check_parse("proc.name in ()", "(in proc.name [])");
	check_parse("proc.name in shell_binaries", "(in proc.name @shell_binaries)");
	check_parse("fd.name pmatch (/etc, /usr)", "(pmatch fd.name [/etc /usr])");
	check_parse("proc.name exists and x", "(and (exists proc.name) x)");
	check_parse("tolower(proc.name) = bash", "(= tolower(proc.name) bash)");
	check_parse("len(basename(fd.name)) > 3", "(> len(basename(fd.name)) 3)");
	check_parse("proc.name = val(proc.pname)", "(= proc.name val(proc.pname))");
	check_parse("proc.name = toupper( proc.pname )", "(= proc.name toupper(proc.pname))");
	check_parse("proc.pid < val(proc.ppid)", "(< proc.pid val(proc.ppid))");
	check_parse("proc.name in val(proc.aname)", "(in proc.name val(proc.aname))");
	check_parse("fd.name glob '/tmp/*.[ch]'", "(glob fd.name \"/tmp/*.[ch]\")");
	check_parse("evt.dir=<", "(= evt.dir <)");
	check_parse("proc.cmdline contains \"-c \\\"x\\\"\"",
		    "(contains proc.cmdline \"-c \"x\"\")");
}

static void test_parser_errors(void **state)
{
	char deep[600];
	size_t i;

	check_parse_error("", "empty condition", 0);
	check_parse_error("   ", "empty condition", 0);
	check_parse_error("(proc.name = a", "unbalanced parenthesis", 0);
	check_parse_error("proc.name = a)", "unbalanced parenthesis", 13);
	check_parse_error(")", "unbalanced parenthesis", 0);
	check_parse_error("(a or b", "never closed", 0);
	check_parse_error("(a b)", "expected 'and', 'or' or ')'", 3);
	check_parse_error("proc.name", "expected an operator after 'proc.name'", 9);
	check_parse_error("proc.name bash", "expected an operator", 10);
	check_parse_error("proc.name =", "expected a value after '='", 11);
	check_parse_error("proc.name = (", "expected a value", 12);
	check_parse_error("proc.pid < abc", "expected a number after '<'", 11);
	check_parse_error("proc.pid < 'x'", "expected a number", 11);
	check_parse_error("proc.name in", "expected a list", 12);
	check_parse_error("proc.name in (a,", "expected a list item", 16);
	check_parse_error("proc.name in (a b)", "expected ',' or ')'", 16);
	check_parse_error("proc.name in (a, b", "never closed", SIZE_MAX);
	check_parse_error("proc.name = a and", "expected a condition", 17);
	check_parse_error("proc.name = a b", "unexpected 'b'", 14);
	check_parse_error("and", "expected a condition", 0);
	check_parse_error("not", "expected a condition", 3);
	check_parse_error("proc.aname[ = x", "expected an argument", 11);
	check_parse_error("proc.aname[2 = x", "expected ']'", 12);
	check_parse_error("tolower(x) = y", "expected a field inside 'tolower('", 8);
	check_parse_error("tolower(proc.name = y", "expected ')' to close 'tolower('", 18);
	check_parse_error("proc.name = val(x)", "expected a field name inside 'val('", 16);
	check_parse_error("proc.name = 'abc", "unterminated string", 12);
	check_parse_error("proc.name = \"\\z\"", "unsupported escape", 13);
	check_parse_error("val(proc.name) = x", "unexpected '(proc.name)'", 3);

	/* nesting limit */
	for (i = 0; i < 150; i++)
		deep[i] = '(';
	deep[i] = 'a';
	for (i = 151; i < 301; i++)
		deep[i] = ')';
	deep[301] = 0;
	check_parse_error(deep, "nested deeper than the limit of 100", SIZE_MAX);
	for (i = 0; i < 110; i++)
		memcpy(deep + i * 4, "not ", 4);
	strcpy(deep + 440, "a");
	check_parse_error(deep, "nested deeper", SIZE_MAX);
	deep[4 * 50] = 'a';
	deep[4 * 50 + 1] = 0;
	check_parse(deep + 4 * 10,
		    "(not (not (not (not (not (not (not (not (not (not (not (not (not (not (not "
		    "(not (not (not (not (not (not (not (not (not (not (not (not (not (not (not "
		    "(not (not (not (not (not (not (not (not (not (not a))))))))))))))))))))))))"
		    "))))))))))))))))");
}

static void test_parser_limits(void **state)
{
	size_t n = EXPR_MAX_LEN + 10, i;
	char *big = malloc(n + 1);
	Arena arena = { 0 };
	AstSrc src = { 0 };
	ParseError pe;
	Ast *root;

	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = 'a';
	big[n] = 0;
	assert_int_equal(ast_parse(&arena, &src, big, n, &root, &pe), -EINVAL);
	assert_non_null(strstr(pe.msg, "longer than the limit"));
	free(big);
	assert_int_equal(ast_parse(&arena, &src, "proc.name = a\0b", 15, &root, &pe), -EINVAL);
	assert_non_null(strstr(pe.msg, "NUL"));
	assert_int_equal(pe.off, 13);
	arena_done(&arena);
}

static void test_parser_operand(void **state)
{
	Arena arena = { 0 };
	AstSrc src = { 0 };
	ParseError pe;
	AstValue *v;
	size_t used;
	char *t;

	assert_int_equal(ast_parse_operand(&arena, &src, "proc.aname[2] rest", 18, &v, &used, &pe),
			 0);
	assert_int_equal(used, 13);
	t = ast_operand_text(v);
	assert_string_equal(t, "proc.aname[2]");
	free(t);
	assert_int_equal(ast_parse_operand(&arena, &src, "tolower(fd.name))", 17, &v, &used, &pe),
			 0);
	assert_int_equal(used, 16);
	t = ast_operand_text(v);
	assert_string_equal(t, "tolower(fd.name)");
	free(t);
	assert_int_equal(ast_parse_operand(&arena, &src, "nofield", 7, &v, &used, &pe), -EINVAL);
	assert_int_equal(ast_parse_list_items(&arena, &src, "(a, 'b c')", 10, &v, &pe), 0);
	assert_int_equal(v->list.n, 2);
	assert_int_equal(ast_parse_list_items(&arena, &src, "a b", 3, &v, &pe), 0);
	assert_int_equal(v->list.n, 1);
	assert_string_equal(v->list.items[0].s, "a b");
	arena_done(&arena);
}

/* ---- literals and matchers ---- */

static void test_literals(void **state)
{
	int64_t i;
	uint64_t u;
	bool b;
	IpAddr ip, net;
	char *bytes;
	size_t n;

	assert_int_equal(literal_int64("-42", 3, &i), 0);
	assert_int_equal(i, -42);
	assert_int_equal(literal_int64("0x10", 4, &i), 0);
	assert_int_equal(i, 16);
	assert_int_equal(literal_int64("-9223372036854775808", 20, &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(literal_int64("9223372036854775808", 19, &i), -ERANGE);
	assert_int_equal(literal_int64("1.5", 3, &i), -EINVAL);
	assert_int_equal(literal_int64("", 0, &i), -EINVAL);
	assert_int_equal(literal_int64("0x", 2, &i), -EINVAL);
	assert_int_equal(literal_uint64("18446744073709551615", 20, &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(literal_uint64("18446744073709551616", 20, &u), -ERANGE);
	assert_int_equal(literal_uint64("-1", 2, &u), -ERANGE);
	assert_int_equal(literal_uint64("-0", 2, &u), 0);
	assert_int_equal(literal_bool("true", 4, &b), 0);
	assert_true(b);
	assert_int_equal(literal_bool("True", 4, &b), -EINVAL);
	assert_int_equal(literal_ip("10.1.2.3", 8, &ip), 0);
	assert_int_equal(ip.family, 4);
	assert_int_equal(literal_ip("::1", 3, &ip), 0);
	assert_int_equal(ip.family, 6);
	assert_int_equal(literal_ip("10.1.2", 6, &ip), -EINVAL);
	assert_int_equal(literal_ip("10.0.0.0/8", 10, &ip), -EINVAL);
	assert_int_equal(literal_cidr("10.0.0.0/8", 10, &net), 0);
	assert_int_equal(net.prefix, 8);
	assert_int_equal(literal_cidr("10.0.0.0/33", 11, &net), -EINVAL);
	assert_int_equal(literal_cidr("10.0.0.0", 8, &net), -EINVAL);
	assert_int_equal(literal_cidr("10.0.0.0/", 9, &net), -EINVAL);
	assert_int_equal(literal_cidr("fe80::/10", 9, &net), 0);
	assert_int_equal(literal_cidr("fe80::/129", 10, &net), -EINVAL);
	assert_int_equal(literal_cidr("0.0.0.0/0", 9, &net), 0);
	assert_int_equal(literal_ip("10.200.3.4", 10, &ip), 0);
	assert_true(ip_in_net(&ip, &net)); /* /0 contains everything of its family */
	assert_int_equal(literal_cidr("10.128.0.0/9", 12, &net), 0);
	assert_true(ip_in_net(&ip, &net));
	assert_int_equal(literal_cidr("10.0.0.0/9", 10, &net), 0);
	assert_false(ip_in_net(&ip, &net));
	assert_int_equal(literal_unhex("7f454c46", 8, &bytes, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(bytes,
			    "\x7f"
			    "ELF",
			    4);
	free(bytes);
	assert_int_equal(literal_unhex("7f 45", 5, &bytes, &n), 0);
	assert_int_equal(n, 2);
	free(bytes);
	assert_int_equal(literal_unhex("7f4", 3, &bytes, &n), -EINVAL);
	assert_int_equal(literal_unhex("zz", 2, &bytes, &n), -EINVAL);
}

static bool gm(const char *p, const char *s, bool fold)
{
	return glob_match(p, strlen(p), s, strlen(s), fold);
}

static void test_glob(void **state)
{
	assert_true(gm("*", "", false));
	assert_true(gm("", "", false));
	assert_false(gm("", "a", false));
	assert_true(gm("/tmp/*", "/tmp/a/b", false)); /* no FNM_PATHNAME: '*' crosses '/' */
	assert_true(gm("*.sh", ".hidden.sh", false)); /* no FNM_PERIOD */
	assert_true(gm("a?c", "abc", false));
	assert_false(gm("a?c", "ac", false));
	assert_true(gm("[abc]x", "bx", false));
	assert_true(gm("[!abc]x", "dx", false));
	assert_true(gm("[^abc]x", "dx", false));
	assert_false(gm("[!abc]x", "ax", false));
	assert_true(gm("[a-c]", "b", false));
	assert_true(gm("[]a]", "]", false));
	assert_true(gm("[a-]", "-", false));
	assert_true(gm("[[:digit:]][[:alpha:]]", "1z", false));
	assert_false(gm("[[:nope:]]", "a", false));
	assert_true(gm("\\*", "*", false));
	assert_false(gm("\\*", "a", false));
	assert_true(gm("[", "[", false)); /* unclosed bracket: literal */
	assert_false(gm("a\\", "a", false));
	assert_true(gm("*a*b*c*", "xxaxxbxxcxx", false));
	assert_false(gm("*a*b*c*", "xxaxxcxxbxx", false));
	assert_true(gm("BASH", "bash", true));
	assert_true(gm("[A-C]x", "bX", true));
	assert_false(gm("BASH", "bash", false));
}

/* glob_match agrees with fnmatch(3) (no flags / FNM_CASEFOLD) on random input. */
static void test_glob_vs_fnmatch(void **state)
{
	static const char pat_chars[] = "ab*?[]!^-\\/.:";
	static const char str_chars[] = "ab/.-]!";
	unsigned seed = 12345, i, j;

	for (i = 0; i < 200000; i++) {
		char p[10], s[10];
		unsigned pn, sn;
		bool fold = i & 1;
		int want;

		seed = seed * 1103515245 + 12345;
		pn = (seed >> 16) % 8;
		seed = seed * 1103515245 + 12345;
		sn = (seed >> 16) % 8;
		for (j = 0; j < pn; j++) {
			seed = seed * 1103515245 + 12345;
			p[j] = pat_chars[(seed >> 16) % (sizeof(pat_chars) - 1)];
		}
		p[pn] = 0;
		for (j = 0; j < sn; j++) {
			seed = seed * 1103515245 + 12345;
			s[j] = str_chars[(seed >> 16) % (sizeof(str_chars) - 1)];
			if (fold && (seed >> 20) % 3 == 0 && s[j] >= 'a' && s[j] <= 'z')
				s[j] = (char)(s[j] - 32);
		}
		s[sn] = 0;
		want = fnmatch(p, s, fold ? FNM_CASEFOLD : 0) == 0;
		if (gm(p, s, fold) != want)
			fail_msg("glob '%s' on '%s' (fold %d): fnmatch says %d", p, s, fold, want);
	}
}

static void test_pmatch_trie(void **state)
{
	PathTrie *t = path_trie_new();

	assert_non_null(t);
	assert_int_equal(path_trie_add(t, "/etc", 4), 0);
	assert_int_equal(path_trie_add(t, "/var/run/", 9), 0);
	assert_int_equal(path_trie_add(t, "/usr/*/lib", 10), 0);
	assert_true(path_trie_match(t, "/etc", 4));
	assert_true(path_trie_match(t, "/etc/passwd", 11));
	assert_true(path_trie_match(t, "//etc//shadow", 13));
	assert_false(path_trie_match(t, "/etcd", 5));
	assert_false(path_trie_match(t, "/", 1));
	assert_false(path_trie_match(t, "/var", 4));
	assert_true(path_trie_match(t, "/var/run", 8));
	assert_true(path_trie_match(t, "/var/run/docker.sock", 20));
	assert_false(path_trie_match(t, "/var/lib", 8));
	assert_true(path_trie_match(t, "/usr/x86_64/lib/libc.so", 23));
	assert_false(path_trie_match(t, "/usr/x86_64/bin", 15));
	assert_true(path_trie_match(t, "etc/passwd", 10)); /* relative: same components */
	/* a shorter path covers longer ones, in any order */
	assert_int_equal(path_trie_add(t, "/var", 4), 0);
	assert_true(path_trie_match(t, "/var/lib", 8));
	assert_int_equal(path_trie_add(t, "/", 1), 0);
	assert_true(path_trie_match(t, "/anything", 9));
	assert_true(path_trie_match(t, "/", 1));
	path_trie_free(t);
}

/* ---- compile errors and positions ---- */

static void test_compile_errors(void **state)
{
	check_error("proc.nme = bash", "unknown field 'proc.nme' (did you mean 'proc.name'?)", 1,
		    1);
	check_error("foo.bar = x", "unknown field 'foo.bar'", 1, 1);
	check_error("evt.rawres contains x",
		    "operator 'contains' is not supported by field 'evt.rawres' of type int64", 1,
		    12);
	check_error("proc.name bcontains 41", "operator 'bcontains' is not supported", 1, 11);
	check_error("fd.sip startswith 10", "operator 'startswith' is not supported", 1, 8);
	check_error("evt.is_open_write > true", "expected a number", 1, 21);
	check_error("evt.is_open_write < 1", "operator '<' is not supported", 1, 19);
	check_error("proc.pid = abc", "'abc' is not a number ('proc.pid' has type int64)", 1, 12);
	check_error("user.uid = -1", "'-1' is out of range for 'user.uid' of type uint64", 1, 12);
	check_error("evt.is_open_write = yes", "is not a bool", 1, 21);
	check_error("fd.snet = 10.0.0.0/33", "invalid CIDR '10.0.0.0/33'", 1, 11);
	check_error("fd.snet in (10.0.0.0/8, 1.2.3.4)", "invalid CIDR '1.2.3.4'", 1, 25);
	check_error("fd.sip = 10.0.0.0/8", "networks need a field of type ipnet", 1, 10);
	check_error("fd.sip in (10.0.0.1, 300.1.1.1)", "invalid IP address '300.1.1.1'", 1, 22);
	check_error("evt.buffer bcontains xyz", "is not a hex string", 1, 22);
	check_error("proc.name regex 'a('", "invalid regular expression", 1, 17);
	check_error("proc.name pmatch val(fd.name)", "does not accept a field", 1, 18);
	check_error("proc.pid = val(proc.name)", "incompatible type string", 1, 12);
	check_error("fd.snet = val(fd.sip)", "cannot be compared with a field", 1, 11);
	check_error("tolower(proc.pid) = 1",
		    "transformer 'tolower' cannot be applied to 'proc.pid'", 1, 1);
	check_error("len(proc.pid) = 1", "transformer 'len' cannot be applied", 1, 1);
	check_error("proc.name[2] = x", "field 'proc.name' does not take an argument", 1, 1);
	check_error("evt.arg = x", "field 'evt.arg' needs an argument", 1, 1);
	check_error("proc.aname[x] = y", "needs a number as index", 1, 1);
	check_error("evt.arg.flags[0] = x", "has two arguments", 1, 1);
	check_error("undefined_macro", "undefined macro 'undefined_macro'", 1, 1);
	check_error("proc.name = x and shell_binaries", "'shell_binaries' is a list, not a macro",
		    1, 19);
	check_error("evt.type = nosuchcall", "unknown event type 'nosuchcall'", 1, 12);
	check_error("evt.type in (open, nosuchcall)", "unknown event type 'nosuchcall'", 1, 20);
	check_error("evt.dir = x", "invalid event direction 'x'", 1, 11);
	check_error("proc.name in (cycle_a)", "contains itself", 0, 0);
	check_error("proc.name = x and not (fd.name = y or fd.nam = z)", "unknown field 'fd.nam'",
		    1, 39);
}

/* A condition written over several YAML lines: one anchor per line, as the loader makes. */
static void test_error_positions(void **state)
{
	static const char *const lines[] = { "proc.name = bash and\n", "  (fd.name = x or\n",
					     "   fd.nmae = y)" };
	SrcText t = { 0 };
	const Diag *d;
	Expr *e;
	size_t i;

	for (i = 0; i < ELEMENTSOF(lines); i++) {
		SrcPos p = { .file = "rules.yaml", .line = 40 + (unsigned)i, .col = 5 };

		assert_int_equal(srctext_append(&t, lines[i], strlen(lines[i]), &p), 0);
	}
	diags_done(&diags);
	assert_int_equal(expr_compile_condition(cc, &t, "rule 'multi'", &e), -EINVAL);
	d = diag_find(&diags, DIAG_ERROR, "unknown field 'fd.nmae'");
	assert_non_null(d);
	assert_string_equal(d->pos.file, "rules.yaml");
	assert_int_equal(d->pos.line, 42);
	assert_int_equal(d->pos.col, 8);
	assert_string_equal(d->item, "rule 'multi'");
	srctext_done(&t);

	/* a syntax error on the second line */
	{
		SrcPos p1 = { .file = "r.yaml", .line = 7, .col = 14 };
		SrcPos p2 = { .file = "r.yaml", .line = 8, .col = 4 };

		assert_int_equal(srctext_append(&t, "proc.name = a and\n", 18, &p1), 0);
		assert_int_equal(srctext_append(&t, "(proc.pid = 1", 13, &p2), 0);
		diags_done(&diags);
		assert_int_equal(expr_compile_condition(cc, &t, "rule 'x'", &e), -EINVAL);
		d = diag_find(&diags, DIAG_ERROR, "unbalanced parenthesis");
		assert_non_null(d);
		assert_int_equal(d->pos.line, 8);
		assert_int_equal(d->pos.col, 4);
		srctext_done(&t);
	}
}

/* ---- macros and lists ---- */

static void test_macros(void **state)
{
	const Diag *d;

	assert_match("spawned_shell", "proc.name=zsh");
	assert_no_match("spawned_shell", "proc.name=cat");
	assert_match("not spawned_shell", "proc.name=cat");
	assert_match("nested_ok", "proc.name=bash container.id=abc");
	assert_no_match("nested_ok", "proc.name=bash container.id=host");
	assert_match("open_write", "evt.type=openat evt.is_open_write=true");
	assert_no_match("open_write", "evt.type=execve evt.is_open_write=true");
	assert_no_match("never_true", "");
	assert_match("not never_true", "");

	check_error("loop1", "macro 'loop1' refers to itself: loop1 -> loop2 -> loop1", 29, 14);
	check_error("self_loop", "macro 'self_loop' refers to itself: self_loop -> self_loop", 31,
		    18);
	/* a macro with a syntax error (reported when the compiler was made) fails its users */
	assert_null(compile("broken or proc.name = x"));
	/* an unknown field inside a macro is reported at the macro, once */
	diags_done(&diags);
	assert_null(compile("bad_field"));
	assert_null(compile("proc.name = a or bad_field"));
	d = diag_find(&diags, DIAG_ERROR, "unknown field 'proc.nmae'");
	assert_non_null(d);
	assert_string_equal(d->item, "macro 'bad_field'");
	assert_int_equal(d->pos.line, 37);
	assert_int_equal(d->pos.col, 14);
	assert_int_equal(diags.nerrors, 1);
}

static void test_macro_parse_error_reported(void **state)
{
	Diags d = { 0 };
	ExprCompiler *c2;
	const Diag *x;
	ExprPool *p2 = expr_pool_new();

	assert_int_equal(expr_compiler_new(rs, p2, &d, &c2), 0);
	x = diag_find(&d, DIAG_ERROR, "expected a value after '='");
	assert_non_null(x);
	assert_string_equal(x->item, "macro 'broken'");
	assert_int_equal(x->pos.line, 35);
	assert_int_equal(x->pos.col, 14 + 12);
	assert_int_equal(d.nerrors, 1);
	expr_compiler_free(c2);
	expr_pool_free(p2);
	diags_done(&d);
}

static void test_lists(void **state)
{
	assert_match("proc.name in (shell_binaries)", "proc.name=bash");
	assert_match("proc.name in (more_shells)", "proc.name=zsh");
	assert_match("proc.name in (more_shells)", "proc.name=fish");
	assert_match("proc.name in (more_shells, cat)", "proc.name=cat");
	assert_no_match("proc.name in (more_shells)", "proc.name=more_shells");
	assert_match("proc.name in ('more_shells')", "proc.name=more_shells"); /* quoted: literal */
	assert_match("proc.name in more_shells", "proc.name=sh");
	assert_no_match("proc.name in (empty_list)", "proc.name=sh");
	assert_match("proc.name in (empty_list, sh)", "proc.name=sh");
	assert_match("proc.cmdline in (quoted_items)", "proc.cmdline=\"sh -c ls\"");
	assert_match("proc.cmdline in (quoted_items)", "proc.cmdline=\"plain item\"");
	assert_match("fd.snet in (private_nets)", "fd.snet=192.168.1.5");
	assert_match("fd.snet in (private_nets)", "fd.snet=fd12::1");
	assert_no_match("fd.snet in (private_nets)", "fd.snet=8.8.8.8");
	assert_match("fd.sport in (ssh_ports)", "fd.sport=2222");
	assert_match("fd.name pmatch (etc_dirs)", "fd.name=/usr/local/etc/x.conf");
	check_warning("proc.name in undefined_list", "'undefined_list' is not a defined list");
	assert_match("proc.name in undefined_list", "proc.name=undefined_list");
}

static void test_evttypes(void **state)
{
	static const struct {
		const char *cond;
		const char *types; /* expected set, or "ALL" / "NONE" */
	} cases[] = {
		{ "evt.type = openat", "openat" },
		{ "evt.type in (open, openat, creat)", "open openat creat" },
		{ "evt.type = openat or evt.type = execve", "openat execve" },
		{ "evt.type = openat and proc.name = x", "openat" },
		{ "evt.type in (open, openat) and evt.type in (openat, execve)", "openat" },
		{ "evt.type = openat and evt.type = execve", "NONE" },
		{ "proc.name = x", "ALL" },
		{ "not proc.name = x", "ALL" },
		{ "evt.type = openat or proc.name = x", "ALL" },
		{ "not evt.type = openat and evt.type in (openat, execve)", "execve" },
		{ "evt.type != openat and evt.type in (openat, execve)", "execve" },
		{ "not evt.type != execve", "execve" },
		{ "not (evt.type = openat or evt.type = execve) and evt.type in (openat, execve, open)",
		  "open" },
		{ "not (evt.type = openat and proc.name = x) and evt.type in (openat, open)",
		  "openat open" },
		{ "open_write", "open openat" },
		{ "evt.type in (pwrite, openat)", "openat" },
		{ "evt.type = pwrite", "NONE" },
		{ "evt.dir = > and evt.type = openat", "NONE" },
		{ "evt.dir = < and evt.type = openat", "openat" },
		{ "evt.type exists and evt.type = execve", "execve" },
		{ "evt.type startswith open", "ALL" },
		{ "not (evt.type != openat)", "openat" },
		{ "evt.type in (procexit)", "procexit" },
	};
	size_t i;

	for (i = 0; i < ELEMENTSOF(cases); i++) {
		EvtTypeSet got, want = { 0 };
		Expr *e = compile(cases[i].cond);

		if (!e)
			fail_msg("'%s' did not compile:\n%s", cases[i].cond, diags_text(&diags));
		expr_evttypes(e, &got);
		if (strcmp(cases[i].types, "ALL") == 0) {
			evtset_fill(&want);
		} else if (strcmp(cases[i].types, "NONE") != 0) {
			char buf[128], *tok, *save = NULL;

			snprintf(buf, sizeof(buf), "%s", cases[i].types);
			for (tok = strtok_r(buf, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save)) {
				int t = event_type_from_name(tok);

				assert_true(t >= 0);
				evtset_add(&want, (unsigned)t);
			}
		}
		if (memcmp(&got, &want, sizeof(got)) != 0)
			fail_msg("'%s': %zu event types, expected %s", cases[i].cond,
				 evtset_count(&got), cases[i].types);
	}
	assert_true(evttype_known_to_falco("pwrite"));
	assert_true(evttype_known_to_falco("container"));
	assert_false(evttype_known_to_falco("nosuchcall"));
	check_warning("evt.type = mmap2", "event type 'mmap2' is not captured by saker");
	check_warning("evt.dir = >", "evt.dir '>' never matches");
}

static void test_evttype_eval(void **state)
{
	assert_match("evt.type = openat", "evt.type=openat");
	assert_no_match("evt.type = openat", "evt.type=open");
	assert_match("evt.type != openat", "evt.type=open");
	assert_match("evt.type in (execve, openat)", "evt.type=openat");
	assert_match("evt.type startswith open", "evt.type=openat2");
	assert_match("evt.dir = <", "");
	assert_no_match("evt.dir = >", "");
	assert_match("evt.dir != >", "");
	assert_match("evt.dir in ('<', '>')", "");
}

/* ---- evaluation ---- */

static void test_na_semantics(void **state)
{
	/* a field without value: every check false, "not" of it true */
	assert_no_match("fd.name = x", "");
	assert_no_match("fd.name != x", "");
	assert_no_match("fd.name exists", "");
	assert_match("not fd.name exists", "");
	assert_match("not fd.name = x", "");
	assert_no_match("fd.name in (x, y)", "");
	assert_no_match("fd.name contains ''", "");
	assert_match("fd.name contains ''", "fd.name=abc");
	assert_match("fd.name = ''", "fd.name=\"\"");
	assert_no_match("proc.pid != 1", "");
	assert_no_match("proc.name = val(proc.pname)", "proc.name=a");
	assert_no_match("proc.name != val(proc.pname)", "proc.name=a");
}

static void test_caching(void **state)
{
	Expr *e = compile("proc.name = a or proc.name = b or proc.name contains c or "
			  "tolower(proc.name) = d or tolower(proc.name) = e");

	assert_non_null(e);
	assert_false(eval_with(e, "proc.name=x"));
	assert_int_equal(fake_extractions("proc.name"), 1);
	/* a new event extracts again */
	expr_pool_begin_event(pool);
	eval_reset(&ctx);
	assert_false(expr_eval(e, pool, &ctx));
	assert_int_equal(fake_extractions("proc.name"), 2);
	/* short circuit: the second field is never read */
	e = compile("proc.name = x or fd.name = y");
	assert_true(eval_with(e, "proc.name=x fd.name=z"));
	assert_int_equal(fake_extractions("fd.name"), 0);
}

static void test_transformers(void **state)
{
	assert_match("tolower(proc.name) = bash", "proc.name=BaSh");
	assert_match("toupper(proc.name) = BASH", "proc.name=bash");
	assert_match("toupper(tolower(proc.name)) = BASH", "proc.name=BaSh");
	assert_match("basename(proc.exepath) = ls", "proc.exepath=/usr/bin/ls");
	assert_match("basename(proc.exepath) = ls", "proc.exepath=ls");
	assert_match("basename(fd.name) = ''", "fd.name=/tmp/");
	assert_match("len(proc.name) = 4", "proc.name=bash");
	assert_match("len(proc.name) = 0", "proc.name=\"\"");
	assert_match("len(basename(fd.name)) > 3", "fd.name=/etc/shadow");
	assert_match("len(proc.aname) = 3", "proc.aname=[sh,bash,sshd]");
	assert_match("b64(proc.args) = 'hello world'", "proc.args=aGVsbG8gd29ybGQ=");
	assert_match("b64(proc.args) = 'hello world'", "proc.args=aGVsbG8gd29ybGQ");
	assert_no_match("b64(proc.args) = x", "proc.args=not*base64");
	assert_match("not b64(proc.args) exists", "proc.args=not*base64");
	assert_match("b64(proc.args) contains abc", "proc.args=YWJj");
	assert_match("tolower(proc.aname) = sshd", "proc.aname=[SH,SSHD]");
	assert_match("proc.name = val(proc.pname)", "proc.name=a proc.pname=a");
	assert_no_match("proc.name = val(proc.pname)", "proc.name=a proc.pname=b");
	assert_match("proc.name != val(proc.pname)", "proc.name=a proc.pname=b");
	assert_match("tolower(proc.name) = tolower(proc.pname)", "proc.name=A proc.pname=a");
	assert_match("proc.name = toupper(proc.pname)", "proc.name=A proc.pname=a");
	assert_match("proc.pid > val(proc.ppid)", "proc.pid=10 proc.ppid=9");
	assert_no_match("proc.pid < val(proc.ppid)", "proc.pid=10 proc.ppid=9");
	assert_match("proc.name in val(proc.aname)", "proc.name=sshd proc.aname=[sh,sshd]");
	assert_no_match("proc.name in val(proc.aname)", "proc.name=init proc.aname=[sh,sshd]");
	assert_match("proc.name contains val(proc.pname)", "proc.name=xbashx proc.pname=bash");
	assert_match("proc.name icontains val(proc.pname)", "proc.name=xBAshx proc.pname=baSH");
	assert_match("proc.name startswith val(proc.pname)", "proc.name=bashful proc.pname=bash");
	assert_match("fd.name glob val(proc.args)", "fd.name=/tmp/x.sh proc.args=/tmp/*.sh");
	assert_match("fd.sip = val(fd.cip)", "fd.sip=10.0.0.1 fd.cip=10.0.0.1");
	assert_no_match("fd.sip = val(fd.cip)", "fd.sip=10.0.0.1 fd.cip=::1");
	assert_no_match("fd.sip != val(fd.cip)", "fd.sip=10.0.0.1 fd.cip=::1");
}

static void test_multi_values(void **state)
{
	assert_match("proc.aname = sshd", "proc.aname=[sh,bash,sshd]");
	assert_no_match("proc.aname = init", "proc.aname=[sh,bash,sshd]");
	assert_match("proc.aname in (init, bash)", "proc.aname=[sh,bash,sshd]");
	assert_match("proc.aname intersects (init, bash)", "proc.aname=[sh,bash,sshd]");
	assert_no_match("proc.aname intersects (init, cron)", "proc.aname=[sh,bash,sshd]");
	assert_match("proc.aname[2] = bash", "proc.aname=[sh,bash,sshd]");
	assert_no_match("proc.aname[2] = sshd", "proc.aname=[sh,bash,sshd]");
	assert_no_match("proc.aname[7] exists", "proc.aname=[sh,bash,sshd]");
	assert_match("proc.aname != sh", "proc.aname=[sh,bash]"); /* bash != sh */
	assert_match("proc.aname startswith ss", "proc.aname=[sh,bash,sshd]");
	/* a list field (FF_LIST): "in" needs every value in the list, "intersects" one */
	assert_match("fd.types intersects (ipv4, file)", "fd.types=[pipe,file]");
	assert_no_match("fd.types intersects (ipv4, ipv6)", "fd.types=[pipe,file]");
	assert_match("fd.types in (file, pipe, unix)", "fd.types=[pipe,file]");
	assert_no_match("fd.types in (file, pipe)", "fd.types=[pipe,file,ipv4]");
	assert_no_match("fd.types in (file, pipe)", "");
	assert_match("fd.types exists", "fd.types=[pipe]");
	assert_match("len(fd.types) = 3", "fd.types=[pipe,file,ipv4]");
	assert_match("toupper(fd.types) in (FILE, PIPE)", "fd.types=[pipe,file]");
	assert_no_match("toupper(fd.types) in (FILE)", "fd.types=[pipe,file]");
	assert_match("proc.name in val(fd.types)", "proc.name=pipe fd.types=[pipe,file]");
	check_error("fd.types = file",
		    "operator '=' is not supported by 'fd.types', a list of values", 1, 10);
	check_error("fd.types contains x", "a list of values", 1, 10);
	assert_match("proc.env[HOME] = /root", "proc.env[HOME]=/root");
	assert_match("proc.env = /root", "proc.env=[PATH=/bin,/root]");
}

static void test_flags(void **state)
{
	assert_match("evt.flags contains O_CREAT", "evt.flags=65:O_WRONLY|O_CREAT");
	assert_match("evt.flags = 65", "evt.flags=65:O_WRONLY|O_CREAT");
	assert_match("evt.flags > 64", "evt.flags=65:O_WRONLY|O_CREAT");
	assert_match("evt.flags = O_WRONLY|O_CREAT", "evt.flags=65:O_WRONLY|O_CREAT");
	assert_match("evt.flags in (1, 65)", "evt.flags=65:O_WRONLY|O_CREAT");
	assert_match("evt.flags in (O_RDONLY, O_WRONLY|O_CREAT)", "evt.flags=65:O_WRONLY|O_CREAT");
	assert_match("evt.arg.flags contains O_CREAT", "evt.arg[flags]=O_WRONLY|O_CREAT");
	assert_match("evt.arg[flags] contains O_CREAT", "evt.arg[flags]=O_WRONLY|O_CREAT");
	assert_match("evt.arg[1] = x", "evt.arg[1]=x");
}

static void test_exceptions(void **state)
{
	RuleSet *r2 = trs_new();
	ExprPool *p2 = expr_pool_new();
	ExprCompiler *c2;
	Diags d = { 0 };
	ExceptionDef *x;
	RuleDef *r;
	Expr *e;

	trs_list(r2, 1, "allowed_procs", "cron", "anacron", NULL);
	r = trs_rule(r2, 10, "Write etc", "fd.name startswith /etc", NULL);
	x = trs_exception(r, 20, "known_writers", true, "proc.name,fd.name", "=,startswith");
	trs_exc_value(x, "vi", "/etc/vim");
	trs_exc_value(x, "my editor", "/etc/x");
	x = trs_exception(r, 30, "by_list", false, "proc.pname", "in");
	trs_exc_value(x, "allowed_procs");
	trs_exc_value(x, "sshd");
	x = trs_exception(r, 40, "list_values", true, "proc.name,fd.name", "in,pmatch");
	trs_exc_value(x, "[apt,dpkg]", "[/etc/apt,/etc/dpkg]");
	x = trs_exception(r, 50, "list_name_value", true, "proc.name", "in");
	trs_exc_value(x, "allowed_procs");
	x = trs_exception(r, 60, "no_values", true, "proc.name", "=");
	(void)x;

	assert_int_equal(expr_compiler_new(r2, p2, &d, &c2), 0);
	assert_int_equal(expr_compile_rule(c2, &r2->rules[0], &e), 0);
	fake_reset();
#define EX(event, want)                                                        \
	do {                                                                   \
		int type = SAKER_EVT_OPENAT;                                   \
		fake_reset();                                                  \
		assert_int_equal(fake_set_line(event, &type), 0);              \
		eval_reset(&ctx);                                              \
		expr_pool_begin_event(p2);                                     \
		if (expr_eval(e, p2, &ctx) != (want))                          \
			fail_msg("exceptions: '%s' expected %d", event, want); \
	} while (0)
	EX("fd.name=/etc/passwd proc.name=cat", true);
	EX("fd.name=/etc/vim/vimrc proc.name=vi", false);
	EX("fd.name=/etc/vim/vimrc proc.name=cat", true);
	EX("fd.name=/etc/x proc.name=\"my editor\"", false);
	EX("fd.name=/etc/passwd proc.name=cat proc.pname=anacron", false);
	EX("fd.name=/etc/passwd proc.name=cat proc.pname=sshd", false);
	EX("fd.name=/etc/apt/sources.list proc.name=dpkg", false);
	EX("fd.name=/etc/aptx proc.name=dpkg", true);
	EX("fd.name=/etc/passwd proc.name=cron", false);
	EX("fd.name=/var/x proc.name=cat", false);
#undef EX
	assert_int_equal(d.nerrors, 0);
	expr_compiler_free(c2);
	expr_pool_free(p2);
	diags_done(&d);
	trs_free(r2);
}

static void check_exception_error(const char *fields, const char *comps, bool is_list,
				  const char *value, const char *msg, unsigned line, unsigned col)
{
	RuleSet *r2 = trs_new();
	ExprPool *p2 = expr_pool_new();
	ExprCompiler *c2;
	Diags d = { 0 };
	ExceptionDef *x;
	const Diag *dg;
	RuleDef *r;
	Expr *e;

	r = trs_rule(r2, 10, "R", "proc.name = x", NULL);
	x = trs_exception(r, 20, "ex", is_list, fields, comps);
	if (value)
		trs_exc_value(x, value);
	assert_int_equal(expr_compiler_new(r2, p2, &d, &c2), 0);
	assert_int_equal(expr_compile_rule(c2, &r2->rules[0], &e), -EINVAL);
	dg = diag_find(&d, DIAG_ERROR, msg);
	if (!dg)
		fail_msg("no error '%s' in:\n%s", msg, diags_text(&d));
	assert_string_equal(dg->item, "rule 'R'");
	if (line && (dg->pos.line != line || dg->pos.col != col))
		fail_msg("'%s' at %u:%u, expected %u:%u", dg->msg, dg->pos.line, dg->pos.col, line,
			 col);
	expr_compiler_free(c2);
	expr_pool_free(p2);
	diags_done(&d);
	trs_free(r2);
}

static void test_exception_errors(void **state)
{
	check_exception_error("proc.nmae", "=", true, "x", "unknown field 'proc.nmae'", 21, 16);
	check_exception_error("proc.name", "like", true, "x",
			      "exception 'ex': 'like' is not a supported comparison operator", 22,
			      15);
	check_exception_error("proc.name", "=", false, "x",
			      "with a single field the comparison must be in, intersects or pmatch",
			      20, 7);
	check_exception_error("proc.name", "exists", true, "x",
			      "comparison 'exists' takes no value", 22, 15);
	check_exception_error("proc.pid", "=", true, "abc", "'abc' is not a number", 23, 12);
	check_exception_error("proc.name", "=", true, "[a,b]", "a list of values needs", 23, 12);
	check_exception_error("proc.name bad", "=", true, "x", "invalid field", 0, 0);
}

static void test_skip_unknown(void **state)
{
	RuleSet *r2 = trs_new();
	ExprPool *p2 = expr_pool_new();
	ExprCompiler *c2;
	Diags d = { 0 };
	RuleDef *r;
	Expr *e;

	r = trs_rule(r2, 10, "R", "proc.name = x and k8s.pod.name = y", NULL);
	r->skip_if_unknown_filter = true;
	r = trs_rule(r2, 20, "R2", "evt.type = nosuch", NULL);
	r->skip_if_unknown_filter = true;
	r = trs_rule(r2, 30, "R3", "proc.pid = abc", NULL);
	r->skip_if_unknown_filter = true;
	assert_int_equal(expr_compiler_new(r2, p2, &d, &c2), 0);
	assert_int_equal(expr_compile_rule(c2, &r2->rules[0], &e), -ENOENT);
	assert_int_equal(expr_compile_rule(c2, &r2->rules[1], &e), -ENOENT);
	assert_int_equal(expr_compile_rule(c2, &r2->rules[2], &e), -EINVAL);
	assert_non_null(diag_find(&d, DIAG_WARNING, "unknown field 'k8s.pod.name'"));
	assert_non_null(diag_find(&d, DIAG_WARNING, "unknown event type 'nosuch'"));
	assert_int_equal(d.nerrors, 1);
	expr_compiler_free(c2);
	expr_pool_free(p2);
	diags_done(&d);
	trs_free(r2);
}

static void test_warnings(void **state)
{
	check_warning("proc.name = proc.pname", "'proc.pname' may be a valid field misused");
	check_warning("proc.name regex 'bash'", "may be optimized with simpler operators");
	check_warning("proc.name regex '.*bash'", "may be optimized");
	check_warning("proc.loginshellid = 1", "field 'proc.loginshellid' is deprecated");
	diags_done(&diags);
	assert_non_null(compile("proc.name regex 'ba(sh|zsh)'"));
	assert_null(diag_find(&diags, DIAG_WARNING, "may be optimized"));
}

static void test_limits(void **state)
{
	RuleSet *r2 = trs_new();
	ExprPool *p2 = expr_pool_new();
	ExprCompiler *c2;
	Diags d = { 0 };
	char name[16], cond[64];
	ExceptionDef *x;
	unsigned i;
	Expr *e;

	/* m0 = check, mN = m(N-1) or not m(N-1): shared, not 2^20 copies */
	trs_macro(r2, 1, "m0", "proc.name = x");
	for (i = 1; i <= 40; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		snprintf(cond, sizeof(cond), "m%u and not m%u", i - 1, i - 1);
		trs_macro(r2, 1 + i * 2, name, cond);
	}
	/* l0 = [a, b], lN = [l(N-1), l(N-1)]: 2^21 items after expansion */
	trs_list(r2, 100, "l0", "a", "b", NULL);
	for (i = 1; i <= 20; i++) {
		char prev[16];

		snprintf(name, sizeof(name), "l%u", i);
		snprintf(prev, sizeof(prev), "l%u", i - 1);
		trs_list(r2, 100 + i * 2, name, prev, prev, NULL);
	}
	trs_rule(r2, 200, "shared macros", "m40", NULL);
	trs_rule(r2, 210, "biglist", "proc.name in (l20)", NULL);
	trs_rule(r2, 220, "deep", "proc.name in (l10)", NULL);
	/* 70000 exception tuples of 3 fields: more than EXPR_MAX_NODES checks */
	x = trs_exception(trs_rule(r2, 230, "huge", "proc.name = x", NULL), 240, "many", true,
			  "proc.name,fd.name,user.name", "=,=,=");
	for (i = 0; i < 70000; i++)
		trs_exc_value(x, "a", "b", "c");
	assert_int_equal(expr_compiler_new(r2, p2, &d, &c2), 0);
	assert_int_equal(expr_compile_rule(c2, &r2->rules[0], &e), 0);
	/* evaluated once per macro and event: m(N) = m(N-1) and not m(N-1) is false */
	expr_pool_begin_event(p2);
	fake_reset();
	fake_set("proc.name", "x");
	eval_reset(&ctx);
	assert_false(expr_eval(e, p2, &ctx));
	assert_int_equal(expr_compile_rule(c2, &r2->rules[1], &e), -EINVAL);
	assert_non_null(diag_find(&d, DIAG_ERROR, "list has more than 100000 items"));
	assert_int_equal(expr_compile_rule(c2, &r2->rules[2], &e), 0);
	assert_int_equal(expr_compile_rule(c2, &r2->rules[3], &e), -EINVAL);
	assert_non_null(diag_find(&d, DIAG_ERROR, "condition too large"));
	expr_compiler_free(c2);
	expr_pool_free(p2);
	diags_done(&d);
	trs_free(r2);
}

static void test_unused(void **state)
{
	RuleSet *r2 = trs_new();
	ExprPool *p2 = expr_pool_new();
	ExprCompiler *c2;
	Diags d = { 0 };
	Expr *e;

	trs_list(r2, 1, "used_list", "a", NULL);
	trs_list(r2, 3, "unused_list", "a", NULL);
	trs_list(r2, 5, "named_in_list", "b", NULL);
	trs_list(r2, 7, "outer", "named_in_list", NULL);
	trs_macro(r2, 10, "used_macro", "proc.name in (used_list, outer)");
	trs_macro(r2, 12, "unused_macro", "proc.name = x and helper");
	trs_macro(r2, 14, "helper", "proc.pid = 1");
	trs_rule(r2, 20, "R", "used_macro", NULL);
	assert_int_equal(expr_compiler_new(r2, p2, &d, &c2), 0);
	assert_int_equal(expr_compile_rule(c2, &r2->rules[0], &e), 0);
	assert_int_equal(expr_compiler_warn_unused(c2), 0);
	assert_int_equal(d.nwarnings, 2);
	assert_non_null(diag_find(&d, DIAG_WARNING, "list not referred to"));
	assert_string_equal(diag_find(&d, DIAG_WARNING, "list not referred to")->item,
			    "list 'unused_list'");
	assert_string_equal(diag_find(&d, DIAG_WARNING, "macro not referred to")->item,
			    "macro 'unused_macro'");
	expr_compiler_free(c2);
	expr_pool_free(p2);
	diags_done(&d);
	trs_free(r2);
}

/* ---- triplets: the .test files in tests/unit/data/expr ---- */

#define TRIPLET_LINE 1100

typedef struct Triplet {
	char cond[TRIPLET_LINE];
	char event[TRIPLET_LINE];
	char expect[TRIPLET_LINE];
	char warning[TRIPLET_LINE];
	unsigned line;
} Triplet;

static void strip_nl(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = 0;
}

static unsigned run_triplet(const char *file, const Triplet *t)
{
	Expr *e;

	diags_done(&diags);
	e = compile(t->cond);
	if (strncmp(t->expect, "error: ", 7) == 0) {
		if (e || !diag_find(&diags, DIAG_ERROR, t->expect + 7)) {
			print_error("%s:%u: '%s' should fail with '%s'; got:\n%s", file, t->line,
				    t->cond, t->expect + 7, diags_text(&diags));
			return 1;
		}
		return 0;
	}
	if (!e) {
		print_error("%s:%u: '%s' did not compile:\n%s", file, t->line, t->cond,
			    diags_text(&diags));
		return 1;
	}
	if (t->warning[0] && !diag_find(&diags, DIAG_WARNING, t->warning)) {
		print_error("%s:%u: '%s': no warning '%s'\n", file, t->line, t->cond, t->warning);
		return 1;
	}
	if (eval_with(e, strcmp(t->event, "-") == 0 ? "" : t->event) !=
	    (strcmp(t->expect, "true") == 0)) {
		print_error("%s:%u: '%s' on '%s' should be %s\n", file, t->line, t->cond, t->event,
			    t->expect);
		return 1;
	}
	return 0;
}

static void test_triplets(void **state)
{
	DIR *dir = opendir(EXPR_TEST_DATA);
	struct dirent *de;
	unsigned failures = 0, total = 0;

	assert_non_null(dir);
	while ((de = readdir(dir))) {
		char path[1024], line[TRIPLET_LINE];
		unsigned lineno = 0, field = 0;
		Triplet t = { 0 };
		FILE *f;
		size_t n = strlen(de->d_name);

		if (n < 5 || strcmp(de->d_name + n - 5, ".test") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", EXPR_TEST_DATA, de->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		for (;;) {
			char *got = fgets(line, sizeof(line), f);

			lineno++;
			if (got) {
				strip_nl(line);
				if (line[0] == '#')
					continue;
			}
			if (!got || !line[0]) {
				if (field >= 3) {
					total++;
					failures += run_triplet(de->d_name, &t);
				} else if (field) {
					print_error("%s:%u: incomplete triplet\n", de->d_name,
						    lineno);
					failures++;
				}
				memset(&t, 0, sizeof(t));
				field = 0;
				if (!got)
					break;
				continue;
			}
			switch (field++) {
			case 0:
				snprintf(t.cond, sizeof(t.cond), "%s", line);
				t.line = lineno;
				break;
			case 1:
				snprintf(t.event, sizeof(t.event), "%s", line);
				break;
			case 2:
				snprintf(t.expect, sizeof(t.expect), "%s", line);
				break;
			default:
				if (strncmp(line, "warning: ", 9) == 0)
					snprintf(t.warning, sizeof(t.warning), "%s", line + 9);
				break;
			}
		}
		fclose(f);
	}
	closedir(dir);
	if (total < 100)
		fail_msg("only %u triplets found in %s", total, EXPR_TEST_DATA);
	if (failures)
		fail_msg("%u of %u triplets failed", failures, total);
	print_message("%u triplets passed\n", total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer_tokens),
		cmocka_unit_test(test_lexer_ops),
		cmocka_unit_test(test_lexer_strings),
		cmocka_unit_test(test_parser_precedence),
		cmocka_unit_test(test_parser_checks),
		cmocka_unit_test(test_parser_errors),
		cmocka_unit_test(test_parser_limits),
		cmocka_unit_test(test_parser_operand),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_glob_vs_fnmatch),
		cmocka_unit_test(test_pmatch_trie),
		cmocka_unit_test_setup_teardown(test_compile_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_macros, setup, teardown),
		cmocka_unit_test_setup_teardown(test_macro_parse_error_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evttypes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evttype_eval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_na_semantics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transformers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multi_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exceptions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exception_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skip_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_triplets, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
