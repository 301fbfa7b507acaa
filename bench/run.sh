#!/usr/bin/env bash
# bench/run.sh — `make bench`: Gotong under wrk on PostgreSQL, then on SQLite, against
# two baselines measured in the same rounds on the same machine:
#
#   hello     a minimal Fiber hello-world (bench/hello)        baseline of (a), the form, (h)
#   pgbench   a single-row INSERT script (bench/insert.sql)    baseline of (b) and (c)
#   floor     the least a server can do for (h)'s 202 (bench/floor): decode, token,
#             a batched INSERT committed before the answer; on PostgreSQL only
#   (a) page  GET /activities/<slug>, the public activity page
#   form      GET /activities/<slug>/register, the registration form (anonymous)
#   (h) submit  anonymous registration forms (202 pending_verification) over 20 activities
#   (b) spread  the taps that place them (POST /v/{token}, the link of each verify email)
#   (c) rush    the same taps at one activity of 50 seats with a 25% rural quota, a new
#               one each round; its seat invariants are checked in SQL after every
#               round (a FAIL exits non-zero)
#   (d)–(k)     people at scale, by bench/people.sh, once: a million people seeded, a
#               segment counted and listed, a list of handles matched, a CSV imported, a
#               mailing to 100,000 of them materialised and sent to a local SMTP sink
#               against a bare send loop (bench/smtpsink, bench/sendloop)
#
# Every measured load runs BENCH_ROUNDS times (default 3). A round measures its loads and
# its own baselines one after the other (page, hello, floor, form, submit, spread, pgbench, rush),
# so that each load's ratio is taken against the baseline of its round; the verdict is on
# the median of those pairwise ratios. Before each run it records the 1-minute load
# average and how busy the CPUs were over the second before. Then a second server, on a
# SQLite file, runs (a), the form, (h) and (b) the same way, with hello-world rounds of its
# own (no targets). BENCH_PROFILE=1 takes CPU profiles of the server during round 1's
# form, (b) and (c) (GOTONG_PPROF_ADDR).
#
# It prints a summary and overwrites docs/benchmarks.md (keeping its hand-written sections
# "## Test suite" and "## Before and after…"). Raw outputs go to bench/results/<stamp>/
# (ignored by git). `bash bench/run.sh --selftest` checks the report's arithmetic
# (bench/summary.awk) on known inputs, as every run does first.
#
# Needs: go, curl, wrk, psql, pgbench and sqlite3 (apt-get install wrk postgresql-client
# sqlite3) and a PostgreSQL server the current user may create databases on; PGHOST, PGPORT
# and PGUSER choose it (default 127.0.0.1, 5432, postgres). BENCH_DURATION (whole seconds,
# default 10s) and BENCH_CONNECTIONS (default 50) change the runs; the targets are stated
# for 10s and 50. BENCH_PEOPLE (default 1000000; 0 skips that part) is the number of
# people of (d)–(k).
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
source bench/lib.sh # the working directory is the repository root (cd above)

to_ms() { # 1.23ms | 456.00us | 1.20s | 1.00m → milliseconds
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
		else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
		else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
		else printf "nan" }'
}

# ---------------------------------------------------------------- self-test
# The median, min–max and pairwise ratios of bench/summary.awk, and to_ms, on
# inputs whose answers are known. Round 2 comes first in the input, as a
# reordered file would have it.
selftest() {
	local got fails=0 n=0 want
	got=$(awk -f bench/summary.awk <<'EOF'
# db	round	load	start	load1	busy	rps	avg_ms	p50_ms	p99_ms	errors	sockerr	mem_kb	answers	repeats
pg	2	hello	-	-	-	200	0.5	0.3	5	0	-	100	-	-
pg	1	hello	-	-	-	100	0.5	0.3	1	0	-	90	-	-
pg	3	hello	-	-	-	150	0.5	0.3	3	0	-	95	-	-
pg	2	page	-	-	-	50	2	1.5	12	0	-	60000	-	-
pg	1	page	-	-	-	30	3	2.5	10	0	-	50000	-	-
pg	3	page	-	-	-	60	1	0.5	11	0	-	55000	-	-
pg	1	pgbench	-	-	-	1000	3.2	-	-	0	-	-	-	-
pg	2	pgbench	-	-	-	500	3.4	-	-	0	-	-	-	-
pg	3	pgbench	-	-	-	800	3.3	-	-	0	-	-	-	-
pg	1	rush	-	-	-	100	50	40	90	0	-	70000	-	-
pg	2	rush	-	-	-	100	50	40	120	0	-	80000	-	-
pg	3	rush	-	-	-	100	50	40	95	0	-	75000	-	-
pg	1	floor	-	-	-	40	1	1	2	0	-	20	-	-
pg	2	floor	-	-	-	50	1	1	2	0	-	20	-	-
pg	3	floor	-	-	-	45	1	1	2	0	-	20	-	-
pg	1	submit	-	-	-	4	1	1	2	0	-	20	-	-
pg	2	submit	-	-	-	10	1	1	2	0	-	20	-	-
pg	3	submit	-	-	-	9	1	1	2	0	-	20	-	-
sqlite	1	hello	-	-	-	100	1	1	1	0	-	1	-	-
sqlite	2	hello	-	-	-	300	1	1	1	0	-	1	-	-
sqlite	1	spread	-	-	-	10	1	1	4	0	-	1	-	-
sqlite	2	spread	-	-	-	20	1	1	2	0	-	1	-	-
EOF
)
	# One expected line each: database, load, figure, value.
	while IFS='|' read -r want; do
		n=$((n + 1))
		if ! grep -qxF "$want" <<<"${got//$'\t'/|}"; then
			printf 'selftest: want %s\n' "$want" >&2
			fails=$((fails + 1))
		fi
	done <<'EOF'
pg|hello|n|3
pg|hello|rps_med|150.0
pg|hello|rps_min|100.0
pg|hello|rps_max|200.0
pg|hello|p99_med|3.00
pg|page|rps_med|50.0
pg|page|avg_med|2.00
pg|page|p50_min|0.50
pg|page|p50_max|2.50
pg|page|p99_med|11.00
pg|page|mem_max|60000
pg|page|ratio_hello_rounds|0.3000 0.2500 0.4000
pg|page|ratio_hello_med|0.3000
pg|page|ratio_hello_min|0.2500
pg|page|ratio_hello_max|0.4000
pg|rush|ratio_pgbench_rounds|0.1000 0.2000 0.1250
pg|rush|ratio_pgbench_med|0.1250
pg|rush|p99_med|95.00
pg|rush|mem_max|80000
pg|pgbench|rps_med|800.0
pg|pgbench|avg_med|3.30
sqlite|hello|rps_med|200.0
sqlite|spread|n|2
sqlite|spread|rps_med|15.0
sqlite|spread|p99_med|3.00
sqlite|spread|ratio_hello_rounds|0.1000 0.0667
sqlite|spread|ratio_hello_med|0.0833
pg|floor|ratio_hello_rounds|0.4000 0.2500 0.3000
pg|floor|ratio_hello_med|0.3000
pg|submit|ratio_floor_rounds|0.1000 0.2000 0.2000
pg|submit|ratio_floor_med|0.2000
pg|submit|ratio_hello_med|0.0500
EOF
	# The page's median ratio is 30%, not the ratio of the medians (50 / 150 =
	# 33%); pgbench has no p50, a baseline no ratio, and SQLite no pgbench.
	for absent in 'pg|pgbench|p50_med|' 'pg|hello|ratio_' 'pg|pgbench|ratio_' 'sqlite|spread|ratio_pgbench' 'pg|floor|ratio_floor'; do
		n=$((n + 1))
		if grep -qF "$absent" <<<"${got//$'\t'/|}"; then
			printf 'selftest: did not want %s…\n' "$absent" >&2
			fails=$((fails + 1))
		fi
	done
	local pair
	for pair in '456.00us 0.456' '1.23ms 1.230' '1.20s 1200.000' '1.00m 60000.000' '7 nan'; do
		n=$((n + 1))
		if [ "$(to_ms "${pair% *}")" != "${pair#* }" ]; then
			printf 'selftest: to_ms %s gave %s, want %s\n' "${pair% *}" "$(to_ms "${pair% *}")" "${pair#* }" >&2
			fails=$((fails + 1))
		fi
	done
	if [ "$fails" -gt 0 ]; then
		printf 'selftest: %d of %d checks failed\n' "$fails" "$n" >&2
		return 1
	fi
	printf 'selftest: %d checks passed\n' "$n" >&2
}

case ${1:-} in
--selftest) selftest; exit ;;
'') selftest 2>/dev/null || { selftest || true; die "the report's arithmetic fails its self-test"; } ;;
*) die "usage: bash bench/run.sh [--selftest]" ;;
esac

# ---------------------------------------------------------------- settings
GO=${GO:-go}
DURATION=${BENCH_DURATION:-10s}
WARMUP=3s
CONNS=${BENCH_CONNECTIONS:-50}
THREADS=2
ROUNDS=${BENCH_ROUNDS:-3}
PROFILE=${BENCH_PROFILE:-0}
PEOPLE=${BENCH_PEOPLE:-1000000}
[[ $DURATION =~ ^[0-9]+s$ ]] || die "BENCH_DURATION must be whole seconds, like 10s"
[[ $CONNS =~ ^[0-9]+$ ]] || die "BENCH_CONNECTIONS must be a number"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive number"
[[ $PROFILE =~ ^[01]$ ]] || die "BENCH_PROFILE must be 0 or 1"
SECS=${DURATION%s}
# A profile covers a little less than its run, so that it ends before wrk does.
PROFILE_SECONDS=$((SECS > 3 ? SECS - 2 : 1))
PROFILED_LOADS="form spread rush"
export PGHOST=${PGHOST:-127.0.0.1}
export PGPORT=${PGPORT:-5432}
export PGUSER=${PGUSER:-postgres}

PG_ADDR=127.0.0.1:18080
HELLO_ADDR=127.0.0.1:18081
FLOOR_ADDR=127.0.0.1:18088
LITE_ADDR=127.0.0.1:18085 # 18082–18084 are bench/people.sh's
PG_PPROF=127.0.0.1:18086
LITE_PPROF=127.0.0.1:18087
SPREAD_COUNT=20
SPREAD_CAPACITY=100000
RUSH_CAPACITY=50
RUSH_RURAL_SHARE=0.25
# ceil(50 × 0.25): the seats the rural rule reserves.
RURAL_SEATS=$(awk -v c="$RUSH_CAPACITY" -v s="$RUSH_RURAL_SHARE" 'BEGIN { n = c * s; r = int(n); if (r < n) r++; print r }')
GENERAL_SEATS=$((RUSH_CAPACITY - RURAL_SEATS))
# Targets of the issue (on PostgreSQL), on the median of the rounds.
TARGET_PAGE=0.20     # (a) ≥ 20% of hello-world req/s
TARGET_FORM=0.20     # the form ≥ 20% of hello-world req/s …
TARGET_FORM_P99_MS=50 # … with p99 < 50 ms
TARGET_SUBMIT=0.30   # (h) ≥ 30% of hello-world req/s
TARGET_SPREAD=0.30   # (b) ≥ 30% of pgbench INSERT tps
TARGET_RUSH=0.30     # (c) ≥ 30% of pgbench INSERT tps, and the invariants
TARGET_P99_MS=100    # (a), (h), (b), (c)
TARGET_MEM_MB=150    # the PostgreSQL server's peak over all its runs

loud() {
	printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
	printf '!!! %s\n' "$@" >&2
	printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
}

for tool in curl wrk psql pgbench sqlite3 awk "$GO"; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install wrk postgresql-client sqlite3 curl)"
done

STAMP=$(date -u +%Y%m%d%H%M%S)
RESULTS=$ROOT/bench/results/$STAMP
mkdir -p "$RESULTS"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gotong-bench.XXXXXX")
DB=gotong_bench_${STAMP}_$$
SCRATCH_DB=${DB}_pgbench
LITE_FILE=$TMP/gotong-bench.db
SERVER_PID=
SERVER_LOG=
HELLO_PID=
FLOOR_PID=
PROF_PID=
W_LINKS=
DBS_CREATED=()

cleanup() {
	local code=$?
	set +e
	stop_pid "$PROF_PID"
	stop_pid "$HELLO_PID"
	stop_pid "$FLOOR_PID"
	stop_pid "$SERVER_PID"
	[ -n "$SERVER_LOG" ] && [ -f "$SERVER_LOG" ] && cp "$SERVER_LOG" "$RESULTS/"
	for db in "${DBS_CREATED[@]}"; do
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
			printf 'bench: could not drop database %s\n' "$db" >&2
	done
	rm -rf "$TMP"
	if [ "$code" -ne 0 ]; then
		printf 'bench: failed (exit %d); raw outputs in %s\n' "$code" "$RESULTS" >&2
	fi
	exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A connection the kernel accepts says something listens, however slowly it
# would answer (an HTTP probe times out on a busy server and says "free").
port_free() { ! timeout 2 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1##*:}"' _ "$1" 2>/dev/null; }
for addr in "$PG_ADDR" "$HELLO_ADDR" "$FLOOR_ADDR" "$LITE_ADDR" "$PG_PPROF" "$LITE_PPROF"; do
	port_free "$addr" || die "something already listens on $addr"
done

cpu_mark() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat; } # busy and idle ticks so far, machine-wide
busy_since() { # busy_since MARK: percent of CPU time not idle since cpu_mark gave MARK
	awk -v a="$1" -v b="$(cpu_mark)" 'BEGIN { split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2];
		printf "%.0f", (busy + idle > 0) ? 100 * busy / (busy + idle) : 0 }'
}
cpu_busy() { # percent of CPU time not idle over the next second
	local a
	a=$(cpu_mark)
	sleep 1
	busy_since "$a"
}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY_BEFORE=$(cpu_busy)
if [ "$BUSY_BEFORE" -gt 20 ]; then
	loud "the machine is busy before the run (${BUSY_BEFORE}% CPU, load average $LOAD_BEFORE): the figures will be low and noisy"
fi

# ---------------------------------------------------------------- build
log "build bin/gotong, bin/hello and bin/floor"
mkdir -p bin
"$GO" build -trimpath -o bin/gotong ./cmd/gotong
"$GO" build -trimpath -o bin/hello ./bench/hello
"$GO" build -trimpath -o bin/floor ./bench/floor

wait_listening() { # wait_listening PROGRAM PID ADDR LOG: until the program answers on ADDR
	for _ in $(seq 1 100); do
		# Any answer says it listens (GET / is 404 on bin/floor).
		curl -sS -o /dev/null --max-time 1 "http://$3/" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || die "$1 exited: $(cat "$4")"
		sleep 0.1
	done
	die "$1 does not answer on $3"
}

log "baseline server: Fiber hello-world on $HELLO_ADDR"
bin/hello -addr "$HELLO_ADDR" >"$TMP/hello.log" 2>&1 &
HELLO_PID=$!
wait_listening bin/hello "$HELLO_PID" "$HELLO_ADDR" "$TMP/hello.log"

# ---------------------------------------------------------------- databases
log "databases $DB and $SCRATCH_DB on $PGHOST:$PGPORT"
psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$DB\"" >/dev/null
DBS_CREATED+=("$DB")
psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$SCRATCH_DB\"" >/dev/null
DBS_CREATED+=("$SCRATCH_DB")
psql -X -q -d "$SCRATCH_DB" -v ON_ERROR_STOP=1 -c \
	"CREATE TABLE bench_insert (id BIGSERIAL PRIMARY KEY, note TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)" >/dev/null

log "floor server: bench/floor on $FLOOR_ADDR, writing to $SCRATCH_DB"
bin/floor -addr "$FLOOR_ADDR" -db "postgres://$PGUSER@$PGHOST:$PGPORT/$SCRATCH_DB?sslmode=disable" >"$TMP/floor.log" 2>&1 &
FLOOR_PID=$!
wait_listening bin/floor "$FLOOR_PID" "$FLOOR_ADDR" "$TMP/floor.log"

# A fixed key: 32 bytes ("gotong-bench-fixed-secret-key-32"), base64.
export GOTONG_SECRET_KEY=Z290b25nLWJlbmNoLWZpeGVkLXNlY3JldC1rZXktMzI=

psq() { psql -X -q -At -F ' ' -d "$DB" -v ON_ERROR_STOP=1 "$@"; }
lite() { sqlite3 -batch -noheader -separator ' ' -cmd '.timeout 10000' "$LITE_FILE" "$@"; }

# ---------------------------------------------------------------- the server under test
# One at a time: PostgreSQL's, then SQLite's. APP, PPROF, KIND, TOKEN and the
# camps below are those of the server running.
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
OPENS=$(iso '-1 day')
CLOSES=$(iso '+30 days')
STARTS=$(iso '+60 days')
ENDS=$(iso '+64 days')

api() { # api METHOD PATH [BODY] → body on stdout; non-2xx is fatal
	local method=$1 path=$2 body=${3:-} out code
	out=$(curl -sS -X "$method" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		-H 'Accept: application/json' ${body:+--data "$body"} -w '\n%{http_code}' "http://$APP$path")
	code=${out##*$'\n'}
	out=${out%$'\n'*}
	case $code in
	2??) printf '%s' "$out" ;;
	*) die "$method $path → $code: $out" ;;
	esac
}

create_activity() { # create_activity TITLE CAPACITY QUOTAS_JSON → sets ACT_ID and ACT_SLUG
	local body created
	body=$(printf '{"kind": "camp", "audience": "youth", "title": {"en": "%s"}, "summary": {"en": "A camp of the benchmark."}, "mode": "in_person", "region": "MN-057", "venue": "Uliastai", "starts_at": "%s", "ends_at": "%s", "registration_opens_at": "%s", "registration_closes_at": "%s", "capacity": %d, "quotas": %s}' \
		"$1" "$STARTS" "$ENDS" "$OPENS" "$CLOSES" "$2" "$3")
	created=$(api POST /api/v1/activities "$body")
	# The activity's own id and slug come first in its JSON.
	ACT_ID=$(printf '%s' "$created" | grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2)
	ACT_SLUG=$(printf '%s' "$created" | grep -o '"slug":"[^"]*"' | head -n 1 | cut -d'"' -f4)
	[ -n "$ACT_ID" ] && [ -n "$ACT_SLUG" ] || die "no id or slug in $created"
	api POST "/api/v1/activities/$ACT_ID/publish" >/dev/null
}

declare -A MEM_IDLE LINKS
start_server() { # start_server KIND(pg|sqlite) ADDR PPROF_ADDR DATABASE_URL
	KIND=$1 APP=$2 PPROF=$3
	export GOTONG_DATABASE_URL=$4 GOTONG_ADDR=$APP GOTONG_BASE_URL=http://$APP
	if [ "$PROFILE" = 1 ]; then export GOTONG_PPROF_ADDR=$PPROF; else unset GOTONG_PPROF_ADDR; fi
	log "$KIND: migrate, admin user and token"
	bin/gotong migrate up 2>>"$TMP/cli.log"
	local email=bench-admin@example.org
	bin/gotong user create --email "$email" --name "Bench Admin" \
		--password "bench-password-2026-long" --role admin >/dev/null 2>>"$TMP/cli.log"
	TOKEN=$(bin/gotong token create --email "$email" --name bench 2>>"$TMP/cli.log" | tail -n 1)
	[ -n "$TOKEN" ] || die "token create printed no token"

	log "$KIND: start bin/gotong serve on $APP"
	SERVER_LOG=$TMP/server-$KIND.log
	bin/gotong serve >"$SERVER_LOG" 2>&1 &
	SERVER_PID=$!
	local ready=
	for _ in $(seq 1 300); do
		if curl -fsS -o /dev/null --max-time 1 "http://$APP/readyz" 2>/dev/null; then ready=1; break; fi
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	# Ready, and ours: not another program's server on the same port.
	if [ -z "$ready" ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
		tail -n 30 "$SERVER_LOG" >&2 || true
		die "server did not become ready on $APP"
	fi

	log "$KIND: create and publish $SPREAD_COUNT spread camps and $ROUNDS rush camps (one a round)"
	local ids=() r
	for i in $(seq 1 "$SPREAD_COUNT"); do
		create_activity "Bench spread camp $i" "$SPREAD_CAPACITY" '[]'
		ids+=("$ACT_ID")
	done
	SPREAD_CSV=$(IFS=,; printf '%s' "${ids[*]}")
	RUSH_IDS=() RUSH_SLUGS=()
	for r in $(seq 1 "$ROUNDS"); do
		create_activity "Bench rush camp $r" "$RUSH_CAPACITY" "[{\"attribute\": \"rural\", \"share\": $RUSH_RURAL_SHARE, \"release_at\": null}]"
		RUSH_IDS[r]=$ACT_ID
		RUSH_SLUGS[r]=$ACT_SLUG
		curl -fsS -o /dev/null "http://$APP/activities/$ACT_SLUG" || die "the page /activities/$ACT_SLUG does not answer 200"
		curl -fsS -o /dev/null "http://$APP/activities/$ACT_SLUG/register" || die "the form /activities/$ACT_SLUG/register does not answer 200"
	done
	echo "spread activities: $SPREAD_CSV; rush activities: ${RUSH_IDS[*]} (${RUSH_SLUGS[*]})" >&2

	# One form page gives a _csrf token and its cookie; like a person's, they
	# serve every tap of their browser.
	curl -fsS -c "$TMP/cookies" -o "$TMP/form.html" "http://$APP/activities/${RUSH_SLUGS[1]}/register"
	BENCH_CSRF=$(grep -o 'name="_csrf" value="[^"]*"' "$TMP/form.html" | head -n 1 | cut -d'"' -f4)
	BENCH_COOKIE=$(awk '$6 == "gotong_csrf" { print $7 }' "$TMP/cookies")
	[ -n "$BENCH_CSRF" ] && [ -n "$BENCH_COOKIE" ] || die "no _csrf token or cookie on the registration form"
	export BENCH_CSRF BENCH_COOKIE
	PREFIX=$STAMP$RANDOM
	export BENCH_PREFIX=$PREFIX BENCH_RURAL=3 BENCH_THREADS=$THREADS
	MEM_IDLE[$KIND]=$(rss_kb "$SERVER_PID")
}

stop_server() {
	log "$KIND: stop the server"
	stop_pid "$SERVER_PID"
	SERVER_PID=
	cp "$SERVER_LOG" "$RESULTS/"
	unset GOTONG_PPROF_ADDR # bench/people.sh's servers are not profiled
}

# links_of LABEL FILE → the number of links written: the links read out of the
# verify emails of the submissions labelled LABEL (the log sender leaves each
# body in the outbox), in the order they were sent.
links_of() {
	local like="bench-$PREFIX-$1-%"
	if [ "$KIND" = pg ]; then
		psq -c "SELECT substring(body from '/v/([A-Za-z0-9_-]{43})') FROM outbox
			WHERE kind = 'registration.verify' AND to_address LIKE '$like' ORDER BY id" >"$2"
	else
		lite "SELECT substr(body, instr(body, '/v/') + 3, 43) FROM outbox
			WHERE kind = 'registration.verify' AND to_address LIKE '$like' AND instr(body, '/v/') > 0 ORDER BY id" >"$2"
	fi
	if grep -qvE '^[A-Za-z0-9_-]{43}$' "$2"; then
		die "a verify email of the $1 submissions holds no link: $(grep -m 1 -vE '^[A-Za-z0-9_-]{43}$' "$2")"
	fi
	grep -c . "$2" || true
}

# ---------------------------------------------------------------- one measured run
# Every measured run appends one line to runs.tsv, which bench/summary.awk reads.
RUNS=$RESULTS/runs.tsv
printf '# db\tround\tload\tstart\tload1\tbusy\trps\tavg_ms\tp50_ms\tp99_ms\terrors\tsockerr\tmem_kb\tanswers\trepeats\tbusy_during\n' >"$RUNS"

before_run() { # before_run PID|-: what the machine did just before, then the PID's peak RSS reset
	# The second of cpu_busy also lets the requests the last run left in flight finish.
	B_BUSY=$(cpu_busy)
	B_LOAD1=$(cut -d' ' -f1 /proc/loadavg)
	B_START=$(date -u +%H:%M:%S)
	if [ "$1" != - ]; then reset_peak "$1"; fi
}

wrk_run() { # wrk_run FILE URL [LUA] → W_* of wrk's output
	local file=$1 url=$2 script=${3:-}
	log "wrk $(basename "$file" .txt): $url (-t$THREADS -c$CONNS -d$DURATION)"
	local mark
	mark=$(cpu_mark)
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency ${script:+-s "$script"} "$url" | tee "$file" >&2
	W_BUSY=$(busy_since "$mark")
	W_RPS=$(awk '/^Requests\/sec:/ { printf "%.1f", $2 }' "$file")
	[ -n "$W_RPS" ] || die "could not read wrk's output ($file)"
	W_AVG=$(to_ms "$(awk '$1 == "Latency" { print $2; exit }' "$file")")
	W_P50=$(to_ms "$(awk '$1 == "50%" { print $2; exit }' "$file")")
	W_P99=$(to_ms "$(awk '$1 == "99%" { print $2; exit }' "$file")")
	# A script's own count of wrong answers, when it has one, decides: wrk
	# counts the 303 of a tap as an error.
	W_ERR=$(awk '/^bench-non2xx/ { print $2 }' "$file")
	[ -n "$W_ERR" ] || W_ERR=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$file")
	W_ERR=${W_ERR:-0}
	W_SOCK=$(awk '/Socket errors:/ { sub(/.*Socket errors: /, ""); print }' "$file")
	W_ANSWERS=$(awk '/^bench-statuses/ { sub(/^bench-statuses ?/, ""); print }' "$file")
	W_REPEATS=$(awk '/^bench-repeats/ { print $2 }' "$file")
	if [ "$W_ERR" != 0 ] || [ -n "$W_SOCK" ]; then
		loud "$(basename "$file"): $W_ERR wrong answers${W_ANSWERS:+ ($W_ANSWERS)}${W_SOCK:+; socket errors: $W_SOCK}" \
			"$(grep -m 3 '^bench-sample' "$file" || true)"
	fi
}

pgbench_run() { # pgbench_run FILE → W_* of pgbench's output
	local file=$1 mark
	log "pgbench INSERT (-c $CONNS -j $THREADS -T $SECS -n)"
	mark=$(cpu_mark)
	pgbench -n -c "$CONNS" -j "$THREADS" -T "$SECS" -f bench/insert.sql "$SCRATCH_DB" 2>&1 | tee "$file" >&2
	W_BUSY=$(busy_since "$mark")
	W_RPS=$(awk '/^tps = / { printf "%.1f", $3; exit }' "$file")
	[ -n "$W_RPS" ] || die "could not read pgbench's tps ($file)"
	W_AVG=$(awk '/^latency average = / { print $4; exit }' "$file")
	W_P50=- W_P99=- W_SOCK= W_ANSWERS= W_REPEATS=
	W_ERR=$(awk '/^number of failed transactions:/ { print $5; exit }' "$file")
	W_ERR=${W_ERR:-0}
}

record() { # record ROUND LOAD PID|- : the run just made, into runs.tsv
	local mem=- answers=${W_ANSWERS:--}
	[ "$3" = - ] || mem=$(peak_kb "$3")
	if [ -n "${W_LINKS:-}" ]; then answers="$answers of $W_LINKS links"; fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$KIND" "$1" "$2" \
		"$B_START" "$B_LOAD1" "$B_BUSY" "$W_RPS" "${W_AVG:--}" "${W_P50:--}" "${W_P99:--}" \
		"$W_ERR" "${W_SOCK:--}" "$mem" "$answers" "${W_REPEATS:--}" "$W_BUSY" >>"$RUNS"
	W_LINKS=
}

# CPU profiles: of round 1's runs of PROFILED_LOADS only, when BENCH_PROFILE=1.
PROFILES=()
profile_start() { # profile_start ROUND LOAD
	[ "$PROFILE" = 1 ] && [ "$1" = 1 ] || return 0
	case " $PROFILED_LOADS " in *" $2 "*) ;; *) return 0 ;; esac
	PROF_FILE=$RESULTS/profile-$KIND-$2.pb.gz
	curl -fsS -o "$PROF_FILE" "http://$PPROF/debug/pprof/profile?seconds=$PROFILE_SECONDS" &
	PROF_PID=$!
}
profile_end() {
	[ -n "$PROF_PID" ] || return 0
	if wait "$PROF_PID"; then
		PROFILES+=("$PROF_FILE")
	else
		loud "no CPU profile from http://$PPROF (see $PROF_FILE)"
	fi
	PROF_PID=
}

measure() { # measure ROUND LOAD PID URL [LUA]: one measured wrk run
	before_run "$3"
	profile_start "$1" "$2"
	wrk_run "$RESULTS/wrk-$KIND-r$1-$2.txt" "$4" "${5:-}"
	profile_end
	record "$1" "$2" "$3"
}

unmeasured() { # unmeasured NAME DURATION LUA: warm-ups and the rush camp's people
	log "$KIND: $1 for $2, not measured"
	wrk -t"$THREADS" -c"$CONNS" -d"$2" -s "$3" "http://$APP" >"$RESULTS/wrk-$KIND-$1.txt"
}

# ---------------------------------------------------------------- seat invariants
# After every round's rush, on PostgreSQL: the round's rush camp, every
# activity's seat counters, and the spread camps so far.
CHECKS=()     # "ROUND | PASS|FAIL | invariant"
RUSH_ROWS=()  # one row of the rounds' table each
QUOTAS=()
INVARIANTS=PASS
check() { # check ROUND DESCRIPTION CONDITION-RESULT(0|1)
	if [ "$3" = 0 ]; then CHECKS+=("$1 | PASS | $2"); else CHECKS+=("$1 | FAIL | $2"); INVARIANTS=FAIL; fi
}
t() { if eval "$1"; then echo 0; else echo 1; fi; }

settle() { # settle ACTIVITY: wait until its seats stop moving → QUOTA_JSON
	# wrk stops with a request in flight on each connection; the server
	# still completes them.
	local q
	QUOTA_JSON=$(api GET "/api/v1/activities/$1/quota")
	for _ in $(seq 1 50); do
		sleep 0.3
		q=$(api GET "/api/v1/activities/$1/quota")
		[ "$q" = "$QUOTA_JSON" ] && break
		QUOTA_JSON=$q
	done
}

check_rush() { # check_rush ROUND ACTIVITY LINKS OK_COUNT
	local r=$1 id=$2
	local confirmed waitlisted live rural_applied rural_confirmed nonrural_confirmed rural_pool rural_misfits wait_orders wait_pooled
	log "seat invariants of round $r's rush activity $id"
	read -r confirmed waitlisted live rural_applied rural_confirmed nonrural_confirmed rural_pool rural_misfits wait_orders wait_pooled <<<"$(psq -c "
SELECT count(*) FILTER (WHERE status = 'confirmed'),
       count(*) FILTER (WHERE status = 'waitlisted'),
       count(*) FILTER (WHERE status <> 'cancelled'),
       count(*) FILTER (WHERE status <> 'cancelled' AND declared_locality = 'rural'),
       count(*) FILTER (WHERE status = 'confirmed' AND declared_locality = 'rural'),
       count(*) FILTER (WHERE status = 'confirmed' AND declared_locality <> 'rural'),
       count(*) FILTER (WHERE status = 'confirmed' AND pool = 'rural'),
       count(*) FILTER (WHERE status = 'confirmed' AND pool = 'rural' AND declared_locality <> 'rural'),
       count(DISTINCT waitlist_order) FILTER (WHERE status = 'waitlisted'),
       count(*) FILTER (WHERE status = 'waitlisted' AND pool IS NOT NULL)
FROM registrations WHERE activity_id = $id")"
	# The seat counters (activity_seats) must equal the registrations they count.
	# Seats of the sensitive quotas are stored as 'reserved' (which one is
	# sealed), so they are compared together.
	local seat_rows_off dup_persons spread_rows spread_waitlisted spread_dups
	seat_rows_off=$(psq -c "SELECT count(*) FROM activities a LEFT JOIN activity_seats s ON s.activity_id = a.id
	WHERE (COALESCE(s.general, 0), COALESCE(s.rural, 0), COALESCE(s.disability, 0) + COALESCE(s.minority, 0), COALESCE(s.waitlisted, 0))
	   <> ((SELECT count(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed' AND r.pool = 'general'),
	       (SELECT count(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed' AND r.pool = 'rural'),
	       (SELECT count(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed' AND r.pool = 'reserved'),
	       (SELECT count(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'waitlisted'))")
	dup_persons=$(psq -c "SELECT count(*) FROM (SELECT person_id FROM registrations
	WHERE activity_id = $id AND status <> 'cancelled' GROUP BY person_id HAVING count(*) > 1) d")
	read -r spread_rows spread_waitlisted spread_dups <<<"$(psq -c "
SELECT count(*), count(*) FILTER (WHERE status = 'waitlisted'),
       (SELECT count(*) FROM (SELECT activity_id, person_id FROM registrations
          WHERE activity_id IN ($SPREAD_CSV) AND status <> 'cancelled'
          GROUP BY activity_id, person_id HAVING count(*) > 1) d)
FROM registrations WHERE activity_id IN ($SPREAD_CSV)")"

	check "$r" "exactly $RUSH_CAPACITY confirmed (found $confirmed)" "$(t "[ $confirmed -eq $RUSH_CAPACITY ]")"
	if [ "$rural_applied" -ge "$RURAL_SEATS" ]; then
		check "$r" "rural confirmed ≥ $RURAL_SEATS, since $rural_applied rural applied (found $rural_confirmed)" \
			"$(t "[ $rural_confirmed -ge $RURAL_SEATS ]")"
	else
		check "$r" "every rural applicant confirmed, since only $rural_applied applied (found $rural_confirmed)" \
			"$(t "[ $rural_confirmed -eq $rural_applied ]")"
	fi
	check "$r" "non-rural confirmed ≤ $GENERAL_SEATS (found $nonrural_confirmed)" "$(t "[ $nonrural_confirmed -le $GENERAL_SEATS ]")"
	check "$r" "the rural pool holds ≤ $RURAL_SEATS people, all rural (found $rural_pool, $rural_misfits not rural)" \
		"$(t "[ $rural_pool -le $RURAL_SEATS ] && [ $rural_misfits -eq 0 ]")"
	check "$r" "no person twice live on the activity (found $dup_persons)" "$(t "[ $dup_persons -eq 0 ]")"
	check "$r" "waitlist positions contiguous: $waitlisted waitlisted, $wait_orders distinct waitlist_order values" \
		"$(t "[ $waitlisted -eq $wait_orders ]")"
	check "$r" "no waitlisted registration holds a pool (found $wait_pooled)" "$(t "[ $wait_pooled -eq 0 ]")"
	check "$r" "every activity's seat counters equal its registrations (found $seat_rows_off that differ)" "$(t "[ $seat_rows_off -eq 0 ]")"
	check "$r" "spread: nobody waitlisted at capacity $SPREAD_CAPACITY and no person twice live ($spread_waitlisted, $spread_dups of $spread_rows registrations)" \
		"$(t "[ $spread_waitlisted -eq 0 ] && [ $spread_dups -eq 0 ]")"
	local verdict=PASS
	if printf '%s\n' "${CHECKS[@]}" | grep -q "^$r | FAIL"; then verdict=FAIL; fi
	RUSH_ROWS+=("| $r | $id | $3 | $4 | $live | $confirmed | $waitlisted | $rural_applied | $rural_confirmed | $verdict |")
	QUOTAS+=("round $r, activity $id: \`$QUOTA_JSON\`")
	printf '%s\n' "${CHECKS[@]}" | grep "^$r |" | sed 's/^/  /' >&2
	printf 'round %s invariants: %s\n' "$r" "$verdict" >&2
}

# ---------------------------------------------------------------- one round
# page, hello, (floor), form, submit, spread, then on PostgreSQL pgbench and rush: each
# baseline next to the loads that are read against it.
round() { # round R
	local r=$1 slug=${RUSH_SLUGS[$1]} rush_id=${RUSH_IDS[$1]}
	log "$KIND: round $r of $ROUNDS"
	measure "$r" page "$SERVER_PID" "http://$APP/activities/$slug"
	measure "$r" hello "$HELLO_PID" "http://$HELLO_ADDR/"
	# The floor of (h), with (h)'s script and camps' ids (it keeps what it is
	# sent in a table of its own), while the server under test is idle: after
	# (h) its outbox still sends that run's emails for a while.
	if [ "$KIND" = pg ]; then
		export BENCH_IDS=$SPREAD_CSV BENCH_LABEL=floor-r$r
		measure "$r" floor "$FLOOR_PID" "http://$FLOOR_ADDR" bench/register.lua
	fi
	measure "$r" form "$SERVER_PID" "http://$APP/activities/$slug/register"

	# The first requests after a start meet cold database connections: each new
	# PostgreSQL backend reads the catalogue of every table it touches and pgx
	# prepares each statement once per connection, which holds the first half
	# second of a run at 100–250 ms. So round 1 warms each path up, unmeasured.
	export BENCH_IDS=$SPREAD_CSV
	if [ "$r" = 1 ]; then
		export BENCH_LABEL=warmup
		unmeasured warmup "$WARMUP" bench/register.lua
	fi
	# (h): a public form places nothing, it answers 202 and emails a link. Every
	# submission of this run is a person of this round's (b).
	export BENCH_LABEL=spread-r$r
	measure "$r" submit "$SERVER_PID" "http://$APP" bench/register.lua
	# The rush camp's people, submitted for as long as (h): a submission costs
	# less than a tap, so that makes more links than a run of taps uses
	# (repeats, if any, are counted and reported).
	if [ "$KIND" = pg ]; then
		export BENCH_LABEL=rush-r$r BENCH_IDS=$rush_id
		unmeasured "rush-submit-r$r" "$DURATION" bench/register.lua
	fi
	local label labels=("spread-r$r")
	if [ "$KIND" = pg ]; then labels+=("rush-r$r"); fi
	if [ "$r" = 1 ]; then labels+=(warmup); fi
	for label in "${labels[@]}"; do
		LINKS[$KIND-$label]=$(links_of "$label" "$TMP/links-$KIND-$label.txt")
		[ "${LINKS[$KIND-$label]}" -gt 0 ] || die "no verify email found for the $label submissions"
	done
	if [ "$r" = 1 ]; then
		export BENCH_TOKENS=$TMP/links-$KIND-warmup.txt
		unmeasured warmup-taps "$WARMUP" bench/confirm.lua
	fi
	# (b): the taps that place them.
	export BENCH_TOKENS=$TMP/links-$KIND-spread-r$r.txt
	W_LINKS=${LINKS[$KIND-spread-r$r]}
	measure "$r" spread "$SERVER_PID" "http://$APP" bench/confirm.lua
	[ "$KIND" = pg ] || return 0

	before_run -
	pgbench_run "$RESULTS/pgbench-r$r.txt"
	record "$r" pgbench -

	# (c): the same taps at the round's own camp of 50 seats.
	export BENCH_TOKENS=$TMP/links-$KIND-rush-r$r.txt
	before_run "$SERVER_PID"
	profile_start "$r" rush
	wrk_run "$RESULTS/wrk-$KIND-r$r-rush.txt" "http://$APP" bench/confirm.lua
	profile_end
	local ok
	ok=$(printf '%s\n' "$W_ANSWERS" | tr ' ' '\n' | awk -F= '$1 == "303" { n += $2 } END { print n + 0 }')
	settle "$rush_id"
	W_LINKS=${LINKS[$KIND-rush-r$r]}
	record "$r" rush "$SERVER_PID"
	check_rush "$r" "$rush_id" "${LINKS[$KIND-rush-r$r]}" "$ok"
}

T0=$SECONDS
# ---------------------------------------------------------------- PostgreSQL
start_server pg "$PG_ADDR" "$PG_PPROF" "postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"
for r in $(seq 1 "$ROUNDS"); do round "$r"; done
stop_server
T_PG=$((SECONDS - T0))

# ---------------------------------------------------------------- SQLite
T1=$SECONDS
start_server sqlite "$LITE_ADDR" "$LITE_PPROF" "sqlite://$LITE_FILE"
for r in $(seq 1 "$ROUNDS"); do round "$r"; done
LITE_BYTES=$(du -cb "$LITE_FILE"* | awk 'END { print $1 }')
stop_server
T_LITE=$((SECONDS - T1))
stop_pid "$HELLO_PID"
HELLO_PID=
stop_pid "$FLOOR_PID"
FLOOR_PID=

# Profiles read after the runs, so that reading them costs no run any CPU.
for f in "${PROFILES[@]}"; do
	"$GO" tool pprof -top -nodecount=40 bin/gotong "$f" >"${f%.pb.gz}.top.txt" 2>/dev/null ||
		loud "go tool pprof could not read $f"
done

# ---------------------------------------------------------------- (d)–(k) people at scale
T2=$SECONDS
if [ "$PEOPLE" = 0 ]; then
	printf '## People at scale\n\nSkipped in this run (BENCH_PEOPLE=0).\n' >"$RESULTS/people.md"
else
	log "people at scale: bench/people.sh"
	GO="$GO" bash bench/people.sh "$RESULTS"
fi
T_PEOPLE=$((SECONDS - T2))
T_ALL=$((SECONDS - T0))

# ---------------------------------------------------------------- figures
awk -f bench/summary.awk "$RUNS" >"$RESULTS/summary.tsv"
declare -A S
while IFS=$'\t' read -r db load stat value; do
	S["$db $load $stat"]=$value
done <"$RESULTS/summary.tsv"
s() { printf '%s' "${S["$1 $2 $3"]:-?}"; } # s DB LOAD STAT

pct() { awk -v r="$1" 'BEGIN { if (r == "?" || r == "") print "?"; else printf "%.1f%%", r * 100 }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a == a + 0 && a + 0 >= b + 0) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a == a + 0 && a + 0 < b + 0) }'; }
verdict() { if "$@"; then echo PASS; else echo FAIL; fi; }
mbs() { if [ "$1" = "?" ]; then echo "–"; else mb "$1"; fi; } # kB → MB, or – when there is none

spread_of() { # spread_of DB LOAD FIGURE → "median (min–max)", or the one value of one round
	local med min max
	med=$(s "$1" "$2" "$3_med") min=$(s "$1" "$2" "$3_min") max=$(s "$1" "$2" "$3_max")
	if [ "$ROUNDS" = 1 ] || [ "$med" = "?" ]; then printf '%s' "$med"; else printf '%s (%s–%s)' "$med" "$min" "$max"; fi
}
ratios_of() { # ratios_of DB LOAD BASE → the ratios of the rounds, as percentages
	local r out=
	for r in $(s "$1" "$2" "ratio_$3_rounds"); do out="$out${out:+, }$(pct "$r")"; done
	printf '%s' "${out:-?}"
}
med_ratio() { pct "$(s "$1" "$2" "ratio_$3_med")"; } # med_ratio DB LOAD BASE

R_PAGE=$(s pg page ratio_hello_med)
R_FORM=$(s pg form ratio_hello_med)
R_SUBMIT=$(s pg submit ratio_hello_med)
R_SPREAD=$(s pg spread ratio_pgbench_med)
R_RUSH=$(s pg rush ratio_pgbench_med)
V_PAGE=$(verdict ge "$R_PAGE" "$TARGET_PAGE")
V_FORM_RATIO=$(verdict ge "$R_FORM" "$TARGET_FORM")
V_FORM_P99=$(verdict lt "$(s pg form p99_med)" "$TARGET_FORM_P99_MS")
V_FORM=PASS
if [ "$V_FORM_RATIO" = FAIL ] || [ "$V_FORM_P99" = FAIL ]; then V_FORM=FAIL; fi
V_SUBMIT=$(verdict ge "$R_SUBMIT" "$TARGET_SUBMIT")
V_SPREAD=$(verdict ge "$R_SPREAD" "$TARGET_SPREAD")
V_RUSH=$(verdict ge "$R_RUSH" "$TARGET_RUSH")
if [ "$INVARIANTS" = FAIL ]; then V_RUSH=FAIL; fi
V_P99=PASS
for l in page submit spread rush; do
	lt "$(s pg "$l" p99_med)" "$TARGET_P99_MS" || V_P99=FAIL
done
peak_of() { # peak_of DB → the server's highest peak RSS over its runs, kB
	local l m=0 v
	for l in page form submit spread rush; do
		v=$(s "$1" "$l" mem_max)
		if [ "$v" != "?" ] && [ "$v" -gt "$m" ]; then m=$v; fi
	done
	echo "$m"
}
PG_PEAK_KB=$(peak_of pg)
LITE_PEAK_KB=$(peak_of sqlite)
V_MEM=$(verdict lt "$(mb "$PG_PEAK_KB")" "$TARGET_MEM_MB")
ERROR_RUNS=$(awk -F'\t' '!/^#/ && ($11 != 0 || $12 != "-")' "$RUNS" | wc -l)
REPEAT_RUNS=$(awk -F'\t' '!/^#/ && $15 != "-" && $15 != 0' "$RUNS" | wc -l)
if [ "$REPEAT_RUNS" != 0 ]; then
	loud "$REPEAT_RUNS runs of taps used up their links and tapped some twice (see the table of every run)"
fi

# ---------------------------------------------------------------- report
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEMTOTAL=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
GOVERSION=$("$GO" env GOVERSION)
PGVERSION=$(psql -X -At -d postgres -c 'SHOW server_version')
SQLITEVERSION=$(sqlite3 --version | awk '{ print $1 }')
WRKVERSION=$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }' || true)
KERNEL=$(uname -sr)
TMPFS=$(df -T "$TMP" | awk 'NR == 2 { print $2 }')
NOW=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git status --porcelain 2>/dev/null | grep -q . && echo ' (with uncommitted changes)' || true)
POOL="GOTONG_DB_MAX_CONNS unset: the dialect's default (database.DefaultConns)"
if [ -n "${GOTONG_DB_MAX_CONNS:-}" ]; then POOL="GOTONG_DB_MAX_CONNS=$GOTONG_DB_MAX_CONNS"; fi
minutes() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

row() { # row LOAD LABEL BASE BASE-LABEL TARGET VERDICT: a row of PostgreSQL's table
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$(spread_of pg "$1" rps)" \
		"$(spread_of pg "$1" p50)" "$(spread_of pg "$1" p99)" "$(mbs "$(s pg "$1" mem_max)")" \
		"$4" "$(ratios_of pg "$1" "$3")" "$(med_ratio pg "$1" "$3")" "$5${6:+: $6}"
}
side() { # side LOAD LABEL: a row of the table of both databases
	local pg lite
	pg=$(med_ratio pg "$1" hello) lite=$(med_ratio sqlite "$1" hello)
	if [ "$1" = hello ]; then pg=— lite=—; fi
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$(spread_of pg "$1" rps)" "$(spread_of sqlite "$1" rps)" \
		"$(spread_of pg "$1" p99)" "$(spread_of sqlite "$1" p99)" "$pg" "$lite"
}
every_run() { # the table of every run, from runs.tsv
	awk -F'\t' -v profile="$PROFILE" -v profiled=" $PROFILED_LOADS " '
		BEGIN {
			name["hello"] = "hello-world"; name["page"] = "(a) page"; name["form"] = "registration form"
			name["submit"] = "(h) submit"; name["spread"] = "(b) spread"; name["rush"] = "(c) rush"
			name["pgbench"] = "pgbench INSERT"; name["floor"] = "floor of (h)"; db["pg"] = "PostgreSQL"; db["sqlite"] = "SQLite"
		}
		/^#/ { next }
		{
			label = ($3 in name) ? name[$3] : $3
			if (profile == 1 && $2 == 1 && index(profiled, " " $3 " ")) label = label ", profiled"
			errors = $11 ($12 != "-" ? " (socket errors: " $12 ")" : "")
			mem = ($13 == "-") ? "–" : sprintf("%.1f", $13 * 1024 / 1e6)
			answers = ($14 == "-") ? "" : $14
			if ($15 != "-" && $15 != 0) answers = answers "; " $15 " taps repeated"
			lat50 = ($9 == "-") ? sprintf("avg %.2f", $8) : sprintf("%.2f", $9)
			lat99 = ($10 == "-") ? "–" : sprintf("%.2f", $10)
			printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", ++n, db[$1], $2, label, $4, $5, $6, $16, $7, lat50, lat99, errors, mem, answers
		}' "$RUNS"
}

{
	cat <<EOF
# Benchmarks

Written by \`make bench\` (bench/run.sh) on $NOW, at commit $COMMIT$DIRTY. Every load
ran $ROUNDS times, in rounds that also measured the baselines, each read as a ratio to the
baseline of its own round; the figures are medians with the lowest and highest in brackets,
and a verdict is on the median of the ratios pair by pair. The ratios travel between
machines better than the raw numbers do.

## Machine

| | |
|---|---|
| CPUs (\`nproc\`) | $(nproc) |
| CPU | $CPU |
| memory | $MEMTOTAL |
| kernel | $KERNEL |
| Go | $GOVERSION |
| PostgreSQL | $PGVERSION (on $PGHOST:$PGPORT, same machine) |
| SQLite | $SQLITEVERSION (sqlite3 CLI; the server's own driver is compiled in), the file on $TMPFS |
| database pool | $POOL |
| load generator | wrk $WRKVERSION, pgbench $(pgbench --version | awk '{ print $3 }') |
| before the run | load average $LOAD_BEFORE (1, 5, 15 min), CPU ${BUSY_BEFORE}% busy |
| duration | $(minutes "$T_ALL") in all: PostgreSQL $(minutes "$T_PG"), SQLite $(minutes "$T_LITE"), people at scale $(minutes "$T_PEOPLE"), after the build |

## Method

The real server (\`bin/gotong serve\`) runs on a fresh PostgreSQL database with published
camps created through the API: 20 "spread" camps of $SPREAD_CAPACITY seats and $ROUNDS "rush" camps
(one a round) of $RUSH_CAPACITY seats with a $(pct "$RUSH_RURAL_SHARE") rural quota ($RURAL_SEATS reserved seats).
Every run is \`wrk -t$THREADS -c$CONNS -d$DURATION --latency\` over loopback, one after the other.
A round runs, in this order, so that each baseline sits next to the loads read against it:

- **(a) page**: GET \`/activities/{slug}\`, the public page of the round's rush camp (anonymous, HTML).
- **hello-world** (baseline of (a), the form and (h)): \`bench/hello\`, a minimal Fiber v2 program answering GET / with "Hello, World!".
- **floor of (h)** (PostgreSQL only; measured after hello-world, while the server is idle): \`bench/floor\`, the least any server can do for (h)'s 202
  and keep its promise: a Fiber program that decodes the same JSON body, makes the link's
  random token and its hash, and answers only once the submission is committed, written
  with those that arrived meanwhile in one multi-row INSERT (2 writers, pgx); no
  validation, no email, no middleware. Same script and camps' ids as (h). It tells how much
  of (h)'s distance to hello-world any implementation would keep.
- **registration form**: GET \`/activities/{slug}/register\` of the round's rush camp,
  anonymous, each request without a cookie (so each gets a new CSRF token), as a person
  opening the form for the first time.
- **(h) submit**: anonymous \`POST /api/v1/activities/{id}/registrations\` (JSON, per API.md),
  round-robin over the 20 spread camps, every request with a new email, one in three rural
  (\`bench/register.lua\`). A public form places nothing: each answers 202
  \`{"status": "pending_verification"}\` and queues an email with its link. Then, unmeasured,
  the same for $DURATION at the round's rush camp: its people.
- **(b) spread**: the tap that places a registration, \`POST /v/{token}\` with the form's
  \`_csrf\` (\`bench/confirm.lua\`), once for each link read out of the emails of the round's (h),
  in the order they were sent. A placed registration answers 303 to its manage page.
- **pgbench** (baseline of (b) and (c)): \`pgbench -n -c $CONNS -j $THREADS -T $SECS\` with
  \`bench/insert.sql\`, one single-row INSERT (bigserial id, text, timestamptz) per transaction,
  on a scratch database of the same PostgreSQL.
- **(c) rush**: the same taps for the links of the round's rush camp; all but $RUSH_CAPACITY land on
  the waitlist. Afterwards the seat invariants are checked in SQL, every round.

Round 1 first warms the server up, unmeasured: $WARMUP of submissions before (h) and $WARMUP of taps
on their links before (b). The first requests after a start meet cold database connections
(each new PostgreSQL backend reads the catalogue of the tables it touches; pgx prepares each
statement once per connection), which holds the first half second at 100–250 ms; the pool
keeps its connections, so later rounds start warm.

Then a second server runs on a SQLite file (\`GOTONG_DATABASE_URL=sqlite://…\`, \`gotong migrate
up\` first) with the same camps, and $ROUNDS rounds of (a), hello-world, the form, (h) and (b)
in the same way (links read with the \`sqlite3\` CLI); no pgbench and no rush there, and no
targets yet. Its ratios are to the hello-world of its own rounds.

Before each run the script reads the 1-minute load average (\`/proc/loadavg\`) and how busy the
CPUs were over the second before (\`/proc/stat\`; that second also lets the requests the last run
left in flight finish). The load average carries the benchmark's own earlier runs (it decays
over about a minute), so it sits near the number of CPUs once runs follow one another; a busy
second or a load well above that before a run says something else was using the machine then.
Load generator, server and database share the machine's CPUs, as they would on a small
single-host deployment.

At $CONNS connections a run's mean latency is about $CONNS ÷ its req/s (Little's law), so a p99
under $TARGET_P99_MS ms needs well over $((CONNS * 1000 / TARGET_P99_MS)) req/s. Registrations at one activity must be placed
one after another (each sees the seats the one before took); the server places those that arrive
while a transaction runs together in the next one (app/registration/register.go).

Latencies are wrk's percentiles in milliseconds (pgbench reports only its mean). Memory is the
server's peak resident set (VmHWM of /proc/<pid>/status, reset before each run through
clear_refs) in MB of 10^6 bytes. The server's workers (outbox, which logs the emails; seat
release; sweeper) run as in production. The arithmetic is bench/summary.awk, checked on known
inputs by \`bash bench/run.sh --selftest\` (and at the start of every run).

## Results

### PostgreSQL

| run | req/s | p50 ms | p99 ms | peak RSS MB | ratio to | ratio, round by round | median ratio | target |
|---|---:|---:|---:|---:|---|---:|---:|---|
| hello-world | $(spread_of pg hello rps) | $(spread_of pg hello p50) | $(spread_of pg hello p99) | $(mbs "$(s pg hello mem_max)") | — | — | — | — |
$(row page "(a) page" hello "hello-world" "≥ 20%" "$V_PAGE")
$(row form "registration form" hello "hello-world" "≥ 20% and p99 < 50 ms" "$V_FORM")
$(row submit "(h) submit" hello "hello-world" "≥ 30%" "$V_SUBMIT")
$(row floor "floor of (h)" hello "hello-world" "—" "")
$(row spread "(b) spread" pgbench "pgbench" "≥ 30%" "$V_SPREAD")
$(row rush "(c) rush" pgbench "pgbench" "≥ 30% and invariants" "$V_RUSH")
| pgbench INSERT | $(spread_of pg pgbench rps) tps | avg $(spread_of pg pgbench avg) | – | – | — | — | — | — |

The server's resident set when idle before the runs: $(mb "${MEM_IDLE[pg]}") MB; its peak over all runs: $(mb "$PG_PEAK_KB") MB.

### PostgreSQL and SQLite side by side

Medians (lowest–highest) of $ROUNDS rounds each; the ratio is the median of the ratios to the
hello-world of the same round (SQLite's rounds ran after PostgreSQL's, with hello-world runs of
their own).

| run | PostgreSQL req/s | SQLite req/s | PostgreSQL p99 ms | SQLite p99 ms | PostgreSQL ÷ hello-world | SQLite ÷ hello-world |
|---|---:|---:|---:|---:|---:|---:|
$(side hello hello-world)
$(side page "(a) page")
$(side form "registration form")
$(side submit "(h) submit")
$(side spread "(b) spread")
| server's peak RSS, MB (idle) | $(mb "$PG_PEAK_KB") ($(mb "${MEM_IDLE[pg]}")) | $(mb "$LITE_PEAK_KB") ($(mb "${MEM_IDLE[sqlite]}")) | | | | |

The SQLite file (with its WAL) held $(awk -v b="$LITE_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB at the end.

### Every run

In the order they ran. *Load avg* is the 1-minute load average and *busy before* the CPUs'
busy share over the second before the run; *busy during*, over the run itself (machine-wide:
server, database, load generator and whatever else ran; under 100% the run waited on
something other than the CPUs). Answers count by status those of the runs whose script
checks them (a placed tap answers 303), with the links a run of taps had.

| # | database | round | run | start (UTC) | load avg | busy before % | busy during % | req/s | p50 ms | p99 ms | wrong answers | peak RSS MB | answers |
|---:|---|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|
$(every_run)

## Targets (PostgreSQL, at $CONNS connections, median of $ROUNDS rounds)

| target | measured: median (round by round) | result |
|---|---|---|
| (a) page ≥ 20% of the hello-world's req/s | $(med_ratio pg page hello) ($(ratios_of pg page hello)) | $V_PAGE |
| registration form ≥ 20% of the hello-world's req/s | $(med_ratio pg form hello) ($(ratios_of pg form hello)) | $V_FORM_RATIO |
| registration form p99 < $TARGET_FORM_P99_MS ms | $(spread_of pg form p99) ms | $V_FORM_P99 |
| (h) anonymous submissions ≥ 30% of the hello-world's req/s | $(med_ratio pg submit hello) ($(ratios_of pg submit hello)) | $V_SUBMIT |
| (no target) the floor of (h) ÷ hello-world: what no implementation exceeds | $(med_ratio pg floor hello) ($(ratios_of pg floor hello)) | — |
| (no target) (h) ÷ its floor | $(med_ratio pg submit floor) ($(ratios_of pg submit floor)) | — |
| (b) spread registrations ≥ 30% of pgbench's INSERT tps | $(med_ratio pg spread pgbench) ($(ratios_of pg spread pgbench)) | $V_SPREAD |
| (c) rush registrations ≥ 30% of pgbench's INSERT tps, invariants proved every round | $(med_ratio pg rush pgbench) ($(ratios_of pg rush pgbench)), invariants $INVARIANTS | $V_RUSH |
| p99 < $TARGET_P99_MS ms in (a), (h), (b) and (c), median | $(s pg page p99_med) / $(s pg submit p99_med) / $(s pg spread p99_med) / $(s pg rush p99_med) ms | $V_P99 |
| server memory < $TARGET_MEM_MB MB, peak over all runs | $(mb "$PG_PEAK_KB") MB | $V_MEM |
| no wrong answers or socket errors, in any run (both databases) | $( [ "$ERROR_RUNS" = 0 ] && echo none || echo "$ERROR_RUNS runs had some: see the table of every run" ) | $( [ "$ERROR_RUNS" = 0 ] && echo PASS || echo FAIL ) |

## Seat invariants after each rush

The rush camp of each round, once its seats stopped moving (wrk stops with a request in flight
on each connection, which the server completes), and every activity's seat counters.

| round | activity | links | 303s counted by wrk | live | confirmed | waitlisted | rural applied | rural confirmed | invariants |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
$(printf '%s\n' "${RUSH_ROWS[@]}")

| round | result | invariant |
|---:|---|---|
$(for c in "${CHECKS[@]}"; do printf '| %s |\n' "$c"; done)

All seat invariants, every round: **$INVARIANTS**. The quotas as the API reports them:

$(for q in "${QUOTAS[@]}"; do printf -- '- %s\n' "$q"; done)

## Profiles

EOF
	if [ "$PROFILE" = 1 ]; then
		cat <<EOF
Round 1 was profiled (\`BENCH_PROFILE=1\`): a CPU profile of the server over ${PROFILE_SECONDS}s of each of
its runs of the form, (b) and, on PostgreSQL, (c) (\`GOTONG_PPROF_ADDR\`, \`/debug/pprof/profile\`), so
round 1's figures of those runs carry the profiler's cost (a few per cent). The files are in
\`bench/results/$STAMP/\`; \`go tool pprof -top\` of each beside it (\`.top.txt\`):

$(for f in "${PROFILES[@]}"; do printf -- '- `%s` (`%s`)\n' "$(basename "$f")" "$(basename "${f%.pb.gz}.top.txt")"; done)
EOF
	else
		echo 'None in this run: `BENCH_PROFILE=1` takes CPU profiles of the server during round 1'"'"'s form, (b) and (c).'
	fi
	cat <<EOF

$(cat "$RESULTS/people.md")

## How to run

\`\`\`sh
apt-get install wrk postgresql-client sqlite3   # wrk, psql, pgbench and the sqlite3 CLI
make bench                                      # rewrites this file
BENCH_PEOPLE=0 make bench                       # without the people at scale
bash bench/run.sh --selftest                    # checks the report's arithmetic only
\`\`\`

It needs a PostgreSQL server on which the current user may create databases (PGHOST,
PGPORT and PGUSER choose it; default 127.0.0.1:5432, user postgres) and about 1 GB of disk
there for a while. It creates and drops three databases of its own and a SQLite file in
\`\$TMPDIR\`, uses ports 18080 to 18087 on 127.0.0.1, and keeps the raw wrk, pgbench, timing,
profile and server outputs in \`bench/results/<stamp>/\` (\`runs.tsv\`: every run; \`summary.tsv\`:
the medians and ratios). This run's rounds took $(minutes $((T_PG + T_LITE))) ($ROUNDS rounds of $DURATION runs);
the people at scale take about ten minutes more with the default million.
\`BENCH_ROUNDS\` (default 3) is the number of rounds; \`BENCH_DURATION\` (whole seconds, default
10s) and \`BENCH_CONNECTIONS\` (default 50) change the runs; the targets above are for the defaults.
\`BENCH_PROFILE=1\` takes CPU profiles during round 1 (see Profiles).
\`BENCH_PEOPLE\` (default 1000000) is the number of people seeded for (d)–(k); 0 skips them.
\`bash bench/people.sh\` runs (d)–(k) alone and writes their section into \`bench/results/\`.
With \`perf\` installed it also profiles the machine during one more mailing.
The script exits non-zero when a seat invariant fails or a people run answers wrongly;
missed performance targets are reported here, not as a failure.
EOF
	# Sections measured or written by hand, not by this script: carry them over
	# from the file being replaced.
	if [ -f docs/benchmarks.md ]; then
		awk '/^## / { keep = ($0 ~ /^## (Test suite|Before and after)/) } keep' docs/benchmarks.md | sed '1s/^/\n/'
	fi
} >docs/benchmarks.md.tmp
mkdir -p docs
mv docs/benchmarks.md.tmp docs/benchmarks.md

# ---------------------------------------------------------------- summary
{
	echo
	printf '%-8s %-18s %30s %24s %8s %8s  %s\n' db run req/s p99_ms ratio peak_MB target
	for db in pg sqlite; do
		for l in hello page form submit floor spread pgbench rush; do
			[ "$(s "$db" "$l" n)" != "?" ] || continue
			case $db/$l in
			pg/spread | pg/rush) base=pgbench ;;
			*) base=hello ;;
			esac
			target=
			if [ "$db" = pg ]; then
				case $l in
				page) target="≥20% of hello: $V_PAGE" ;;
				form) target="≥20% of hello, p99<50: $V_FORM" ;;
				submit) target="≥30% of hello: $V_SUBMIT; $(med_ratio pg submit floor) of its floor" ;;
				spread) target="≥30% of pgbench: $V_SPREAD" ;;
				rush) target="≥30% of pgbench + invariants: $V_RUSH" ;;
				esac
			fi
			ratio=$(med_ratio "$db" "$l" "$base")
			case $l in hello | pgbench) ratio=- ;; esac
			p99=$(spread_of "$db" "$l" p99)
			if [ "$l" = pgbench ]; then p99="avg $(spread_of "$db" "$l" avg)"; fi
			printf '%-8s %-18s %30s %24s %8s %8s  %s\n' "$db" "$l" "$(spread_of "$db" "$l" rps)" "$p99" \
				"$ratio" "$(mbs "$(s "$db" "$l" mem_max)")" "$target"
		done
	done
	echo
	echo "p99 < ${TARGET_P99_MS} ms: $V_P99   server peak memory $(mb "$PG_PEAK_KB") MB < $TARGET_MEM_MB MB: $V_MEM   invariants: $INVARIANTS"
	echo "took $(minutes "$T_ALL") (PostgreSQL $(minutes "$T_PG"), SQLite $(minutes "$T_LITE"), people $(minutes "$T_PEOPLE"))"
	echo "written: docs/benchmarks.md; raw outputs: bench/results/$STAMP/"
} >&2
if [ "$ERROR_RUNS" != 0 ]; then
	loud "$ERROR_RUNS runs had wrong answers or socket errors; see docs/benchmarks.md"
fi

if [ "$INVARIANTS" != PASS ]; then
	loud "seat invariants FAILED after a rush"
	exit 1
fi
