// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the condition compiler: the input is compiled as a rule
 * condition (against a small fixed set of lists and macros), as a rule
 * with an exception whose field and value come from the input, and as an
 * output format; what compiles is evaluated on a fixed event and rendered.
 * Everything is freed each round, so leaks show up under ASan.  Fields come
 * from the test table (tests/unit/fake-fields.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event/event-info.h"
#include "expr-testutil.h"
#include "fake-fields.h"
#include "rules/engine.h"
#include "rules/expr.h"
#include "rules/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static RuleSet *base;
static EvalCtx ctx;
static SkEvent ev;

static void init(void)
{
	int type = SAKER_EVT_OPENAT;

	base = trs_new();
	trs_list(base, 1, "shell_binaries", "sh", "bash", "'zsh'", NULL);
	trs_list(base, 3, "nested", "shell_binaries", "fish", NULL);
	trs_list(base, 5, "nets", "10.0.0.0/8", "::1/128", NULL);
	trs_list(base, 7, "self", "self", NULL);
	trs_list(base, 9, "empty", NULL);
	trs_macro(base, 11, "open_write",
		  "evt.type in (open, openat) and evt.is_open_write = true");
	trs_macro(base, 13, "shell", "proc.name in (nested) or proc.aname in (shell_binaries)");
	trs_macro(base, 15, "loop", "not loop");
	trs_macro(base, 17, "bad", "proc.name = (");
	trs_macro(base, 19, "twice", "shell and shell");
	fake_reset();
	fake_set_line("proc.name=bash proc.pname=sshd proc.aname=[bash,sshd,systemd] "
		      "proc.cmdline=\"bash -c ls\" proc.pid=42 fd.name=/etc/passwd fd.sip=10.1.2.3 "
		      "fd.snet=10.1.2.3 fd.sport=22 evt.is_open_write=true user.uid=0 "
		      "proc.env[HOME]=/root evt.flags=65:O_WRONLY|O_CREAT proc.args=aGVsbG8=",
		      &type);
	fake_set_bytes("evt.buffer",
		       "\x7f"
		       "ELF\0\1",
		       6);
	ev = (SkEvent){ .type = (uint16_t)type, .info = event_info_get((unsigned)type) };
	ctx.evt = &ev;
}

/* The input as a condition text, NUL bytes included. */
static void set_text(SrcText *t, const char *text, size_t n)
{
	SrcPos pos = { .file = "fuzz.yaml", .line = 1, .col = 1 };

	(void)srctext_append(t, text, n, &pos);
}

static void run_condition(ExprCompiler *c, ExprPool *p, const char *text, size_t n)
{
	SrcText t = { 0 };
	Expr *e;
	EvtTypeSet set;

	set_text(&t, text, n);
	if (expr_compile_condition(c, &t, "rule 'fuzz'", &e) == 0) {
		expr_evttypes(e, &set);
		eval_reset(&ctx);
		expr_pool_begin_event(p);
		(void)expr_eval(e, p, &ctx);
	}
	srctext_done(&t);
}

static void run_format(ExprCompiler *c, ExprPool *p, const char *text, size_t n)
{
	StrBuf out = { 0 }, vals = { 0 };
	FormatField fields[FORMAT_MAX_TOKENS];
	SrcText t = { 0 };
	Format *f;

	set_text(&t, text, n);
	if (format_compile(c, &t, "rule 'fuzz'", false, &f) == 0) {
		eval_reset(&ctx);
		expr_pool_begin_event(p);
		(void)format_render(f, p, &ctx, &out, &vals, fields);
	}
	strbuf_done(&out);
	strbuf_done(&vals);
	srctext_done(&t);
}

/* An engine over a rule whose exception field and value are the input's two halves. */
static void run_engine(const char *text, size_t n)
{
	RuleSet *rs = trs_new();
	const char *mid = memchr(text, '\n', n);
	char field[256], value[256];
	EngineMatch m[4];
	ExceptionDef *x;
	Engine *e = NULL;
	Diags d = { 0 };
	RuleDef *r;
	size_t k;

	snprintf(field, sizeof(field), "%.*s", (int)(mid ? (size_t)(mid - text) : n), text);
	snprintf(value, sizeof(value), "%s", mid ? mid + 1 : "x");
	/* the helper splits field lists at commas: keep one field */
	for (k = 0; field[k]; k++)
		if (field[k] == ',')
			field[k] = ' ';
	trs_list(rs, 1, "l", "a", "b", NULL);
	r = trs_rule(rs, 10, "R", "evt.type = openat", "%proc.name");
	x = trs_exception(r, 20, "ex", true, field, "=");
	trs_exc_value(x, value);
	x = trs_exception(r, 30, "ex2", false, "proc.name", field);
	trs_exc_value(x, value);
	trs_exc_value(x, "l");
	if (engine_compile(rs, NULL, &d, &e) == 0) {
		eval_reset(&ctx);
		(void)engine_eval(e, &ctx, m, 4, &k);
	}
	engine_free(e);
	diags_done(&d);
	trs_free(rs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ExprCompiler *c = NULL;
	ExprPool *p;
	Diags d = { 0 };
	char *text;

	if (size > 70000)
		return 0;
	if (!base)
		init();
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	p = expr_pool_new();
	if (p && expr_compiler_new(base, p, &d, &c) == 0) {
		run_condition(c, p, text, size);
		run_format(c, p, text, size);
	}
	expr_compiler_free(c);
	expr_pool_free(p);
	diags_done(&d);
	if (size < 512 && !memchr(text, 0, size))
		run_engine(text, size);
	free(text);
	return 0;
}
