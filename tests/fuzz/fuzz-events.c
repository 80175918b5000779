// SPDX-License-Identifier: MIT
/*
 * Fuzz target for raw records as the kernel module writes them: the input is
 * taken as records back to back (each header's len says where the next
 * starts; a header that does not fit or fails to decode moves on by 8
 * bytes), and every record goes through the decoder, the state update and a
 * few rules as sakerd runs them.  Malformed records must be rejected by the
 * decoder, never trusted further.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "event/decode.h"
#include "rules/detector.h"
#include "rules/engine.h"
#include "rules/ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Records per input: keeps runs short. */
#define FUZZ_MAX_RECORDS 4096

static const char fuzz_rules[] =
	"- rule: Sensitive read\n"
	"  desc: fuzz\n"
	"  condition: evt.type in (open, openat, openat2) and fd.name startswith /etc\n"
	"  output: \"%proc.name %proc.aname[3] %fd.name %user.name %container.name %evt.args\"\n"
	"  priority: WARNING\n"
	"- rule: Outbound\n"
	"  desc: fuzz\n"
	"  condition: evt.type in (connect, sendto) and fd.sip != 0.0.0.0 and fd.sport > 0\n"
	"  output: \"%fd.name %fd.sip %fd.cip.name %fd.l4proto %proc.cmdline %proc.env\"\n"
	"  priority: NOTICE\n"
	"- rule: Exec\n"
	"  desc: fuzz\n"
	"  condition: evt.type in (execve, execveat, clone, setuid, setns, unshare)\n"
	"  output: \"%proc.exepath %proc.pname %user.uid %container.id %proc.vpid %evt.arg.flags\"\n"
	"  priority: INFO\n";

static Engine *fuzz_engine(void)
{
	static Engine *engine;
	static bool tried;
	RuleSet *rs;
	Diags d = { 0 };

	if (tried)
		return engine;
	tried = true;
	rs = ruleset_new();
	if (rs && ruleset_load_buffer(rs, "fuzz.yaml", fuzz_rules, sizeof(fuzz_rules) - 1, &d) == 0)
		(void)engine_compile(rs, &(EngineOptions){ .rule_matching = RULE_MATCHING_ALL }, &d,
				     &engine);
	diags_done(&d);
	ruleset_free(rs);
	return engine;
}

static void count_alert(const Alert *a, void *userdata)
{
	*(size_t *)userdata += a->output_len + a->nfields;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_(state_freep) State *state = state_new();
	_cleanup_(detector_freep) Detector *det = NULL;
	/* records are 8-byte aligned in the rings: copy to an aligned buffer */
	uint64_t *buf = malloc(size + 8);
	size_t off = 0, n = 0, sum = 0;

	if (!buf || !state || detector_new(fuzz_engine(), state, "fuzz", &det) < 0) {
		free(buf);
		return 0;
	}
	memcpy(buf, data, size);
	while (off + sizeof(struct saker_event_hdr) <= size && n++ < FUZZ_MAX_RECORDS) {
		SkEvent e;
		int len = sk_event_decode((const uint8_t *)buf + off, size - off, &e);

		if (len <= 0) {
			off += 8;
			continue;
		}
		detector_process(det, &e, count_alert, &sum);
		off += (size_t)len;
	}
	free(buf);
	return sum == SIZE_MAX;
}
