# SPDX-License-Identifier: GPL-2.0-only
#
# Renders bench/e2e results ("PHASE storm WORKLOAD N NS_PER_OP TOTAL_NS [k=v...]"
# lines, see guest.sh): per storm the ns/op with no module, then for sakerd and for
# the reference (sysdig) ns/op, ratio to no module, events/s and CPU share in virtual
# time, drop % and resident memory; notes; one verdict line per storm last.
# Usage: awk -v kver=KVER [-v smoke=1] -f report.awk results.txt
function fmt_n(n) { return n >= 1000000 ? sprintf("%gM", n / 1000000) : n >= 1000 ? sprintf("%gk", n / 1000) : n }
function pct(a, b) { return b > 0 ? 100 * a / b : 0 }
{
	ph = $1; w = $3
	n[w] = $4; ns[ph, w] = $5; tot[ph, w] = $6; have[ph, w] = 1
	for (i = 7; i <= NF; i++) {
		split($i, kv, "=")
		x[ph, w, kv[1]] = kv[2]
	}
}
# cols PH W: ns/op, ratio, events/s, drop %, CPU %, RSS MiB of one configuration
function cols(ph, w, base,    ev, dr, all, secs) {
	if (!have[ph, w]) {
		printf " | %10s %7s %11s %7s %6s %7s", "-", "-", "-", "-", "-", "-"
		return
	}
	secs = tot[ph, w] / 1e9
	ev = x[ph, w, "events"]; dr = x[ph, w, "drops"]
	# sakerd: the module's events (read or not) plus its drops; sysdig: its driver's
	all = (ph == "sakerd" ? x[ph, w, "kevents"] : ev) + dr
	ratio[ph, w] = base ? ns[ph, w] / base : 0
	drop[ph, w] = pct(dr, all)
	printf " | %10.1f %6.2fx %11.0f %6.1f%% %5.1f%% %7.1f", ns[ph, w], ratio[ph, w],
		secs ? ev / secs : 0, drop[ph, w], secs ? pct(x[ph, w, "cpu_ns"] / 1e9, secs) : 0,
		x[ph, w, "rss_kib"] / 1024
}
END {
	nw = split("getppid openclose forkexec", wls, " ")
	printf "sakerd end to end on %s: icount, one vCPU (1 virtual ns = 1 instruction);\n", kver
	printf "ratio to no module in the same boot; events/s and CPU share (consumer CPU time until it\n"
	printf "caught up, over the storm's duration) in virtual time\n"
	printf "%-16s %10s | %-53s | %s\n", "", "no module", "saker.ko + sakerd (default rules + storm rules)",
		"reference: scap.ko + sysdig -w /dev/null"
	printf "%-16s %10s", "workload", "ns/op"
	for (k = 0; k < 2; k++)
		printf " | %10s %7s %11s %7s %6s %7s", "ns/op", "ratio", "events/s", "drops", "cpu", "RSS MiB"
	printf "\n"
	for (j = 1; j <= nw; j++) {
		w = wls[j]
		if (!have["none", w]) continue
		printf "%-16s %10.1f", w " x" fmt_n(n[w]), ns["none", w]
		cols("sakerd", w, ns["none", w])
		cols("ref", w, ns["none", w])
		printf "\n"
	}

	printf "\nnotes:\n"
	for (j = 1; j <= nw; j++) {
		w = wls[j]
		if (!have["sakerd", w]) continue
		printf "  %-10s sakerd: %.2f events/op read, %d alerts (%d of the storm rules), cpu %.3f s" \
			" (%.3f s of it during the storm; process.cpu_s %.2f s)\n", w,
			x["sakerd", w, "events"] / n[w], x["sakerd", w, "alerts"], x["sakerd", w, "hits"],
			x["sakerd", w, "cpu_ns"] / 1e9, x["sakerd", w, "cpu_in_ns"] / 1e9,
			x["sakerd", w, "stats_cpu_ns"] / 1e9
		if (have["ref", w])
			printf "  %-10s sysdig: %.2f events/op, cpu %.3f s (%.3f s of it during the storm)\n", w,
				x["ref", w, "events"] / n[w], x["ref", w, "cpu_ns"] / 1e9,
				x["ref", w, "cpu_in_ns"] / 1e9
		if (x["sakerd", w, "lag"] > 500)
			printf "  %-10s sakerd was still %d events behind at the second stats query\n", w,
				x["sakerd", w, "lag"]
		if (x["sakerd", w, "events"] + x["sakerd", w, "drops"] < n[w] / 2)
			printf "  %-10s fewer events than operations: saker.ko does not capture this storm's syscall\n", w
	}

	printf "\nverdicts (%s): overhead below the reference's, drops at most half its %%\n",
		smoke ? "smoke run, tiny storms: shown, not asserted" : "asserted"
	for (j = 1; j <= nw; j++) {
		w = wls[j]
		if (!have["sakerd", w] || !have["ref", w] || !have["none", w]) {
			printf "verdict %-10s MISSED: not measured (sakerd or reference run missing)\n", w
			continue
		}
		o = ratio["sakerd", w] < ratio["ref", w]
		d = drop["sakerd", w] <= drop["ref", w] / 2
		printf "verdict %-10s %-6s overhead %.2fx vs %.2fx %s; drops %.1f %% vs %.1f %% %s\n", w,
			o && d ? "met" : "MISSED", ratio["sakerd", w], ratio["ref", w], o ? "(lower)" : "(NOT lower)",
			drop["sakerd", w], drop["ref", w], d ? "(at most half)" : "(MORE than half)"
	}
}
