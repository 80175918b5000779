// SPDX-License-Identifier: MIT
/*
 * Unit tests of rule output formats (daemon/rules/format.c): substitution,
 * <NA>, widths, the output_fields list, value rendering per type and
 * compile errors with their positions.  Fields come from fake-fields.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event/event-info.h"
#include "expr-testutil.h"
#include "fake-fields.h"
#include "rules/expr.h"
#include "rules/format.h"

static Diags diags;
static RuleSet *rs;
static ExprPool *pool;
static ExprCompiler *cc;
static EvalCtx ctx;
static SkEvent ev;

static int setup(void **state)
{
	memset(&diags, 0, sizeof(diags));
	rs = trs_new();
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

static Format *compile_fmt(const char *text)
{
	SrcText t = { 0 };
	Format *f = NULL;
	int r;

	trs_srctext(&t, text, 5, 11);
	r = format_compile(cc, &t, "rule 'fmt'", false, &f);
	srctext_done(&t);
	if (r < 0)
		fail_msg("'%s' did not compile (%d):\n%s", text, r, diags_text(&diags));
	return f;
}

/* Render f for the event given as field assignments; returns the text (static). */
static const char *render(const Format *f, const char *event, StrBuf *values, FormatField *fields)
{
	static char out[4096];
	StrBuf text = { 0 };
	int type = SAKER_EVT_OPENAT;

	fake_reset();
	assert_int_equal(fake_set_line(event, &type), 0);
	ev.type = (uint16_t)type;
	eval_reset(&ctx);
	expr_pool_begin_event(pool);
	assert_int_equal(format_render(f, pool, &ctx, &text, values, fields), 0);
	snprintf(out, sizeof(out), "%s", strbuf_str(&text));
	strbuf_done(&text);
	return out;
}

static void check(const char *fmt, const char *event, const char *want)
{
	Format *f = compile_fmt(fmt);
	const char *got = render(f, event, NULL, NULL);

	if (strcmp(got, want) != 0)
		fail_msg("'%s' on '%s' gave '%s', expected '%s'", fmt, event, got, want);
}

static void test_substitution(void **state)
{
	check("%proc.name opened %fd.name", "proc.name=cat fd.name=/etc/shadow",
	      "cat opened /etc/shadow");
	check("%(proc.name)x", "proc.name=cat", "catx");
	check("%proc.aname[2] %(proc.aname[3])", "proc.aname=[a,b,c]", "b c");
	check("no fields at all", "", "no fields at all");
	check("", "", "");
	check("user=%user.name", "", "user=<NA>");
	check("100%% done %proc.name", "proc.name=x", "100% done x");
	check("*leading star %proc.name", "proc.name=x", "leading star x");
	check("[%5proc.name]", "proc.name=ab", "[ab   ]");
	check("[%2proc.name]", "proc.name=abcdef", "[ab]");
	check("%tolower(proc.name)", "proc.name=BaSh", "bash");
	check("%len(proc.name)", "proc.name=bash", "4");
	check("a %container.info b", "", "a  b");
	check("%evt.arg.flags", "evt.arg[flags]=O_RDONLY", "O_RDONLY");
	check("%proc.name%fd.name", "proc.name=a fd.name=b", "ab");
	check("(%proc.name)", "proc.name=a", "(a)");
	check("%proc.name, %fd.name.", "proc.name=a fd.name=b", "a, b.");
	check("%evt.type", "evt.type=execve", "execve");
}

static void test_value_rendering(void **state)
{
	static const unsigned char bytes[] = { 'E', 'L', 'F', 0, 1, 0x7f, 'x' };
	Format *f;

	check("%proc.pid %user.uid %fd.sport", "proc.pid=-3 user.uid=1000 fd.sport=443",
	      "-3 1000 443");
	check("%fd.sip %fd.cip", "fd.sip=10.1.2.3 fd.cip=2001:db8::1", "10.1.2.3 2001:db8::1");
	check("%fd.snet", "fd.snet=192.168.0.1", "192.168.0.1");
	check("%evt.is_open_write", "evt.is_open_write=true", "true");
	check("%evt.is_open_write", "evt.is_open_write=false", "false");
	check("%evt.flags", "evt.flags=65:O_WRONLY|O_CREAT", "O_WRONLY|O_CREAT");
	check("%proc.aname", "proc.aname=[sh,bash,sshd]", "(sh,bash,sshd)");
	check("%proc.aname", "proc.aname=[sh]", "sh");
	check("%evt.rawtime", "evt.rawtime=1700000000123456789", "1700000000123456789");
	f = compile_fmt("[%evt.buffer]");
	fake_reset();
	fake_set_bytes("evt.buffer", bytes, sizeof(bytes));
	{
		StrBuf t = { 0 };

		eval_reset(&ctx);
		expr_pool_begin_event(pool);
		assert_int_equal(format_render(f, pool, &ctx, &t, NULL, NULL), 0);
		assert_string_equal(strbuf_str(&t), "[ELF...x]");
		strbuf_done(&t);
	}
}

static void test_output_fields(void **state)
{
	Format *f =
		compile_fmt("%proc.name %fd.name %proc.name %tolower(user.name) %(proc.aname[2]) "
			    "%evt.arg.flags %container.info");
	StrBuf values = { 0 };
	FormatField fields[8];
	const char *text;

	assert_int_equal(format_nfields(f), 5);
	assert_string_equal(format_field_name(f, 0), "proc.name");
	assert_string_equal(format_field_name(f, 1), "fd.name");
	assert_string_equal(format_field_name(f, 2), "user.name"); /* the field inside tolower() */
	assert_string_equal(format_field_name(f, 3), "proc.aname[2]");
	assert_string_equal(format_field_name(f, 4), "evt.arg.flags");
	assert_null(format_field_name(f, 5));
	text = render(f, "proc.name=cat user.name=ROOT proc.aname=[a,b] evt.arg[flags]=O_RDWR",
		      &values, fields);
	assert_string_equal(text, "cat <NA> cat root b O_RDWR ");
	assert_false(fields[0].missing);
	assert_memory_equal(values.buf + fields[0].off, "cat", 3);
	assert_int_equal(fields[0].len, 3);
	assert_true(fields[1].missing);
	assert_memory_equal(values.buf + fields[1].off, "<NA>", 4);
	assert_memory_equal(values.buf + fields[2].off, "ROOT", 4);
	assert_memory_equal(values.buf + fields[3].off, "b", 1);
	assert_memory_equal(values.buf + fields[4].off, "O_RDWR", 6);
	strbuf_done(&values);
}

static void check_fmt_error(const char *text, const char *msg, unsigned line, unsigned col)
{
	SrcText t = { 0 };
	const Diag *d;
	Format *f;

	diags_done(&diags);
	trs_srctext(&t, text, 5, 11);
	if (format_compile(cc, &t, "rule 'fmt'", false, &f) != -EINVAL)
		fail_msg("'%s' compiled but should fail with '%s'", text, msg);
	srctext_done(&t);
	d = diag_find(&diags, DIAG_ERROR, msg);
	if (!d)
		fail_msg("'%s': no error '%s' in:\n%s", text, msg, diags_text(&diags));
	assert_string_equal(d->item, "rule 'fmt'");
	if (d->pos.line != line || d->pos.col != col)
		fail_msg("'%s': '%s' at %u:%u, expected %u:%u", text, d->msg, d->pos.line,
			 d->pos.col, line, col);
}

static void test_errors(void **state)
{
	SrcText t = { 0 };
	Format *f;

	check_fmt_error("x %proc.nme y", "unknown field 'proc.nme'", 5, 14);
	check_fmt_error("%(fd.nam)", "unknown field 'fd.nam'", 5, 13);
	check_fmt_error("ends with %", "expected a field name after it", 5, 22);
	check_fmt_error("%(proc.name", "never closed", 5, 12);
	check_fmt_error("%(proc.name x)", "unexpected text inside", 5, 23);
	check_fmt_error("%nofield here", "expected a field name", 5, 12);
	check_fmt_error("%tolower(proc.pid)", "transformer 'tolower' cannot be applied", 5, 12);
	check_fmt_error("%proc.aname[x]", "needs a number as index", 5, 12);
	/* skip-if-unknown-filter: a warning and -ENOENT */
	diags_done(&diags);
	trs_srctext(&t, "%k8s.pod.name", 1, 1);
	assert_int_equal(format_compile(cc, &t, "rule 'fmt'", true, &f), -ENOENT);
	assert_non_null(diag_find(&diags, DIAG_WARNING, "unknown field 'k8s.pod.name'"));
	assert_int_equal(diags.nerrors, 0);
	srctext_done(&t);
}

static void test_render_helpers(void **state)
{
	FieldValue v = { .type = FT_IPADDR, .ip = { .family = 6, .prefix = 128 } };
	FieldValues vs = { 0 };
	StrBuf sb = { 0 };

	v.ip.addr[15] = 1;
	assert_int_equal(field_value_render(&v, FT_IPADDR, &sb), 0);
	assert_string_equal(strbuf_str(&sb), "::1");
	strbuf_reset(&sb);
	v = (FieldValue){ .type = FT_IPNET, .ip = { .family = 4, .prefix = 8, .addr = { 10 } } };
	assert_int_equal(field_value_render(&v, FT_IPNET, &sb), 0);
	assert_string_equal(strbuf_str(&sb), "10.0.0.0/8");
	strbuf_reset(&sb);
	v = (FieldValue){ .type = FT_FLAGS, .unum = 8 };
	assert_int_equal(field_value_render(&v, FT_FLAGS, &sb), 0);
	assert_string_equal(strbuf_str(&sb), "8");
	strbuf_reset(&sb);
	assert_int_equal(field_values_render(&vs, FT_STRING, false, &sb), 0);
	assert_string_equal(strbuf_str(&sb), "<NA>");
	strbuf_reset(&sb);
	assert_int_equal(field_values_render(NULL, FT_STRING, false, &sb), 0);
	assert_string_equal(strbuf_str(&sb), "<NA>");
	strbuf_done(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_substitution, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_rendering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test(test_render_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
