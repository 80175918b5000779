# SPDX-License-Identifier: GPL-2.0-only
#
# Renders bench/driver results ("PHASE storm WORKLOAD N NS_PER_OP TOTAL_NS [k=v...]"
# lines, see guest.sh): per workload the ns/op with no module and every phase as a
# ratio to it (mean over repetitions), events/s and drop % where a consumer ran, and
# the driver's targets.  Usage: awk -v kver=KVER -f report.awk results.txt
function fmt_n(n) { return n >= 1000000 ? sprintf("%gM", n / 1000000) : n >= 1000 ? sprintf("%gk", n / 1000) : n }
{
	ph = $1; w = $3; n[w] = $4; ns[ph, w] += $5; tot[ph, w] += $6; cnt[ph, w]++
	for (i = 7; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "events" || kv[1] == "drops") x[ph, w, kv[1]] += kv[2]
	}
	seen[ph] = 1
}
END {
	np = split("none loaded filtered drained ref-idle ref", phases, " ")
	nw = split("getppid openclose forkexec", wls, " ")
	printf "driver overhead on %s, icount (1 virtual ns = 1 instruction), ratio to no module:\n", kver
	printf "%-18s %12s", "workload", "none ns/op"
	for (p = 2; p <= np; p++) if (phases[p] in seen) printf " %9s", phases[p]
	printf "\n"
	for (j = 1; j <= nw; j++) {
		w = wls[j]
		if (!cnt["none", w]) continue
		base = ns["none", w] / cnt["none", w]
		printf "%-18s %12.1f", w " x" fmt_n(n[w]), base
		for (p = 2; p <= np; p++) {
			ph = phases[p]
			if (!(ph in seen)) continue
			if (cnt[ph, w]) printf " %8.2fx", ns[ph, w] / cnt[ph, w] / base
			else printf " %9s", "-"
		}
		printf "\n"
	}
	printf "\nevents and drops (events/s in virtual time):\n"
	for (p = 1; p <= np; p++) {
		ph = phases[p]
		for (j = 1; j <= nw; j++) {
			w = wls[j]
			if (!cnt[ph, w] || !((ph, w, "events") in x)) continue
			ev = x[ph, w, "events"]; dr = x[ph, w, "drops"]
			drop[ph, w] = ev + dr ? 100 * dr / (ev + dr) : 0
			printf "%-9s %-10s events %10d  %10.0f events/s  drops %5.1f %%\n", ph, w, ev,
				ev / (tot[ph, w] / 1e9), drop[ph, w]
		}
	}
	# the targets of the driver (issue 3)
	printf "\ntargets:\n"
	target("loaded", "getppid", 1.01); target("loaded", "openclose", 1.01)
	target("filtered", "getppid", 1.25); target("filtered", "openclose", 1.05)
	target("drained", "getppid", 2.5); target("drained", "openclose", 1.4)
	for (j = 1; j <= 2; j++) {
		w = wls[j]
		if (!((("drained", w) in drop) && (("ref", w) in drop))) continue
		printf "  %-9s %-10s drops %5.1f %% <= half the reference (%.1f %%)  %s\n", "drained", w,
			drop["drained", w], drop["ref", w],
			drop["drained", w] <= drop["ref", w] / 2 ? "ok" : "MISSED"
	}
}
function target(ph, w, max,    r) {
	if (!cnt[ph, w] || !cnt["none", w]) return
	r = (ns[ph, w] / cnt[ph, w]) / (ns["none", w] / cnt["none", w])
	printf "  %-9s %-10s %6.2fx <= %.2fx  %s\n", ph, w, r, max, r <= max ? "ok" : "MISSED"
}
