# bench/summary.awk — the arithmetic of `make bench`'s report, apart so that
# `bash bench/run.sh --selftest` can check it on known inputs.
#
# Input: bench/run.sh's runs.tsv, one line per measured run, tab-separated:
#   db round load start load1 busy rps avg_ms p50_ms p99_ms errors sockerr mem_kb answers repeats busy_during
# ("-" where a run has no such figure, e.g. pgbench's p50; lines starting
# with # are comments). Only db, round, load, rps, avg_ms, p50_ms, p99_ms
# and mem_kb are read here.
#
# Output, tab-separated, one figure a line: db load stat value, where stat is
#   n                                 the runs of that load
#   rps_med rps_min rps_max           req/s (tps for pgbench), %.1f
#   avg_med avg_min avg_max           mean latency, ms, %.2f
#   p50_med p50_min p50_max           ms, %.2f (absent when no run has it)
#   p99_med p99_min p99_max           ms, %.2f
#   mem_max                           the highest peak RSS of its runs, kB
#   ratio_B_rounds                    for each baseline B (hello, pgbench, floor)
#                                     measured in the same database, of each load but
#                                     hello and pgbench (floor is a load too, read
#                                     against those two): the load's req/s ÷ B's of
#                                     the same round, round by round, %.4f
#   ratio_B_med ratio_B_min ratio_B_max   over those pairwise ratios
# The verdicts are on ratio_B_med: the median of the ratios pair by pair,
# not the ratio of the medians.

function sort_numbers(a, n,    i, j, t) { # insertion sort of a[1..n], ascending
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}

function median(list,    a, n, i) { # of a space-separated list of numbers
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) a[i] += 0
	sort_numbers(a, n)
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function minimum(list,    a, n, i, m) {
	n = split(list, a, " ")
	m = a[1] + 0
	for (i = 2; i <= n; i++) if (a[i] + 0 < m) m = a[i] + 0
	return m
}

function maximum(list,    a, n, i, m) {
	n = split(list, a, " ")
	m = a[1] + 0
	for (i = 2; i <= n; i++) if (a[i] + 0 > m) m = a[i] + 0
	return m
}

function out(db, load, stat, value) {
	printf "%s\t%s\t%s\t%s\n", db, load, stat, value
}

function spread3(db, load, name, list, format) { # name_med, name_min, name_max
	if (list == "") return
	out(db, load, name "_med", sprintf(format, median(list)))
	out(db, load, name "_min", sprintf(format, minimum(list)))
	out(db, load, name "_max", sprintf(format, maximum(list)))
}

BEGIN {
	FS = "\t"
	nbases = split("hello pgbench floor", bases, " ")
	isBase["hello"] = isBase["pgbench"] = 1 # baselines only: no ratios of their own
}

/^#/ || NF == 0 { next }

{
	db = $1; r = $2 + 0; load = $3
	if (!(db in seenDB)) { seenDB[db] = 1; dbs[++ndbs] = db }
	if (!((db, load) in seenLoad)) { seenLoad[db, load] = 1; loads[db, ++nloads[db]] = load }
	if (!((db, r) in seenRound)) { seenRound[db, r] = 1; rounds[db, ++nrounds[db]] = r }
	rps[db, load, r] = $7
	avg[db, load, r] = $8
	p50[db, load, r] = $9
	p99[db, load, r] = $10
	mem[db, load, r] = $13
}

END {
	for (d = 1; d <= ndbs; d++) {
		db = dbs[d]
		delete rs
		for (i = 1; i <= nrounds[db]; i++) rs[i] = rounds[db, i]
		sort_numbers(rs, nrounds[db])
		for (l = 1; l <= nloads[db]; l++) {
			load = loads[db, l]
			n = 0; lr = ""; lavg = ""; l50 = ""; l99 = ""; memMax = -1
			for (i = 1; i <= nrounds[db]; i++) {
				r = rs[i]
				if (!((db, load, r) in rps)) continue
				n++
				lr = lr " " rps[db, load, r]
				if (avg[db, load, r] != "-") lavg = lavg " " avg[db, load, r]
				if (p50[db, load, r] != "-") l50 = l50 " " p50[db, load, r]
				if (p99[db, load, r] != "-") l99 = l99 " " p99[db, load, r]
				if (mem[db, load, r] != "-" && mem[db, load, r] + 0 > memMax) memMax = mem[db, load, r] + 0
			}
			out(db, load, "n", n)
			spread3(db, load, "rps", lr, "%.1f")
			spread3(db, load, "avg", lavg, "%.2f")
			spread3(db, load, "p50", l50, "%.2f")
			spread3(db, load, "p99", l99, "%.2f")
			if (memMax >= 0) out(db, load, "mem_max", memMax)
			if (load in isBase) continue
			for (b = 1; b <= nbases; b++) {
				base = bases[b]
				if (base == load) continue
				ratios = ""
				for (i = 1; i <= nrounds[db]; i++) {
					r = rs[i]
					if (!((db, load, r) in rps) || !((db, base, r) in rps) || rps[db, base, r] + 0 <= 0) continue
					ratios = ratios " " sprintf("%.6f", rps[db, load, r] / rps[db, base, r])
				}
				if (ratios == "") continue
				shown = ""
				nr = split(ratios, ra, " ")
				for (i = 1; i <= nr; i++) shown = shown (i > 1 ? " " : "") sprintf("%.4f", ra[i])
				out(db, load, "ratio_" base "_rounds", shown)
				spread3(db, load, "ratio_" base, ratios, "%.4f")
			}
		}
	}
}
