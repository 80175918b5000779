// SPDX-License-Identifier: MIT
/*
 * The string pool of the process table (daemon/state/strpool.c): one copy
 * per distinct text, reference counts, growth, and sharing through the
 * state functions (fork inheritance, /proc snapshots).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "state/state.h"
#include "state/strpool.h"

static void test_intern_shares(void **unused)
{
	StrPool *p = strpool_new();
	char *a, *b, *c, *z;

	(void)unused;
	assert_non_null(p);
	a = strpool_intern(p, "HOME=/root\0PATH=/bin", 20);
	b = strpool_intern(p, "HOME=/root\0PATH=/bin", 20);
	c = strpool_intern(p, "HOME=/root", 10);
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, c);
	assert_int_equal(a[20], 0);
	assert_memory_equal(a, "HOME=/root\0PATH=/bin", 20);
	assert_int_equal(strpool_count(p), 2);
	z = strpool_intern(p, "", 0);
	assert_string_equal(z, "");
	assert_ptr_equal(strpool_ref(c), c);
	strpool_unref(p, a);
	assert_int_equal(strpool_count(p), 3);
	strpool_unref(p, b);
	assert_int_equal(strpool_count(p), 2);
	strpool_unref(p, c);
	assert_int_equal(strpool_count(p), 2);
	assert_string_equal(c, "HOME=/root");
	strpool_unref(p, c);
	strpool_unref(p, z);
	strpool_unref(p, NULL);
	assert_int_equal(strpool_count(p), 0);
	assert_int_equal(strpool_bytes(p), 0);
	strpool_free(p);
}

static void test_many(void **unused)
{
	StrPool *p = strpool_new();
	char *v[5000], buf[32];
	int i;

	(void)unused;
	for (i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "/proc/%d", i % 2500);
		v[i] = strpool_intern(p, buf, strlen(buf));
		assert_non_null(v[i]);
		if (i >= 2500)
			assert_ptr_equal(v[i], v[i - 2500]);
	}
	assert_int_equal(strpool_count(p), 2500);
	for (i = 0; i < 5000; i++)
		strpool_unref(p, v[i]);
	assert_int_equal(strpool_count(p), 0);
	strpool_free(p);
}

/* Threads and children share the image texts; changing one leaves the others. */
static void test_state_sharing(void **unused)
{
	static const char env[] = "A=1\0B=2";
	State *s = state_new();
	ProcSnapshot snap = { 0 };
	Proc *a, *b;
	size_t n0;

	(void)unused;
	assert_non_null(s);
	snap.set = PS_COMM | PS_EXE | PS_ENV | PS_CWD;
	snap.comm = "bash";
	snap.exe = "/bin/bash";
	snap.env = env;
	snap.env_len = sizeof(env) - 1;
	snap.cwd = "/root";
	snap.tid = 10;
	assert_int_equal(state_upsert_proc_snapshot(s, &snap, &a) >= 0, 1);
	snap.tid = 11;
	assert_int_equal(state_upsert_proc_snapshot(s, &snap, &b) >= 0, 1);
	assert_ptr_equal(a->env, b->env);
	assert_ptr_equal(a->comm, b->comm);
	n0 = strpool_count(s->strings);
	assert_int_equal(n0, 4);

	snap = (ProcSnapshot){ .set = PS_CWD, .tid = 11, .cwd = "/tmp" };
	assert_int_equal(state_upsert_proc_snapshot(s, &snap, &b) >= 0, 1);
	assert_string_equal(a->cwd, "/root");
	assert_string_equal(b->cwd, "/tmp");
	assert_int_equal(strpool_count(s->strings), n0 + 1);

	assert_int_equal(state_upsert_thread(s, 12, 12, &b) >= 0, 1);
	assert_int_equal(state_proc_inherit(s, b, a), 0);
	assert_ptr_equal(a->env, b->env);
	assert_int_equal(b->env_len, sizeof(env) - 1);
	state_remove_thread(s, 10);
	assert_memory_equal(b->env, env, sizeof(env) - 1);
	state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern_shares),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_state_sharing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
