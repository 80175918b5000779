// SPDX-License-Identifier: MIT
/*
 * StrBuf (daemon/common/strbuf.c): JSON string escaping, including bytes
 * that are not UTF-8 (file names are bytes), and the size cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "common/strbuf.h"

static void check_json(const char *in, size_t n, const char *want)
{
	StrBuf sb = { 0 };

	assert_int_equal(strbuf_put_json_string(&sb, in, n), 0);
	assert_string_equal(strbuf_str(&sb), want);
	strbuf_done(&sb);
}

static void test_json_escapes(void **unused)
{
	(void)unused;
	check_json("a\"b\\c\n\t\x01\x7f", 9, "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\"");
	check_json("", 0, "\"\"");
	check_json("nul\0x", 5, "\"nul\\u0000x\"");
}

static void test_json_utf8(void **unused)
{
	(void)unused;
	/* well-formed UTF-8 passes through */
	check_json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
		   "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* Latin-1, a cut sequence, an overlong form, a surrogate: \xNN as text */
	check_json("/tmp/caf\xe9", 9, "\"/tmp/caf\\\\xe9\"");
	check_json("\xe2\x82", 2, "\"\\\\xe2\\\\x82\"");
	check_json("\xc0\xaf", 2, "\"\\\\xc0\\\\xaf\"");
	check_json("\xed\xa0\x80", 3, "\"\\\\xed\\\\xa0\\\\x80\"");
	check_json("\xf4\x90\x80\x80", 4, "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"");
}

static void test_limit(void **unused)
{
	StrBuf sb = { .limit = 8 };

	(void)unused;
	assert_int_equal(strbuf_puts(&sb, "1234567"), 0);
	assert_true(strbuf_puts(&sb, "89") < 0);
	assert_true(sb.failed);
	strbuf_done(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
