# bench/lib.sh — helpers shared by bench/run.sh and bench/people.sh (sourced, not run).

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

stop_pid() { # stop_pid PID: TERM, then KILL after 10 s
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
	wait "$pid" 2>/dev/null || true
}

reset_peak() { # the kernel's peak RSS of pid back to its current RSS (Linux ≥ 4.0)
	{ echo 5 >"/proc/$1/clear_refs"; } 2>/dev/null || true
}
peak_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; } # kB (KiB) → MB (10^6 bytes)
