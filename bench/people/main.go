// Command people is the helper of bench/people.sh, the people-at-scale part
// of `make bench`. It knows who `gotong seed people` wrote (the generator is
// pure), so it can make the inputs without reading the database:
//
//	people csv     -seed S -people N -rows R -out FILE   a CSV to import: new people, some already seeded, a few bad rows
//	people handles -seed S -people N -count C -out FILE  a match body: half the handles seeded, half unknown
//	people explain -query Q -handles FILE -out FILE      EXPLAIN (ANALYZE, BUFFERS) of the server's own statements
//
// explain reads GOTONG_DATABASE_URL and runs the segment count, the first
// page and one chunk of the match as the stores build them, with the
// indexes of migration 00011 and, in a transaction rolled back, without.
// Each subcommand prints one line of key=value pairs for the script.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/peopleseed"
	"github.com/gotong/gotong/app/segments"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "people: "+err.Error())
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: people csv|handles|explain [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	seed := fs.Int64("seed", 1, "the seed gotong seed people used")
	n := fs.Int("people", 1000000, "how many people that seed wrote")
	out := fs.String("out", "", "output file")
	switch args[0] {
	case "csv":
		rows := fs.Int("rows", 100000, "rows of the CSV")
		newSeed := fs.Int64("new-seed", 4242, "the seed of the new people")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return writeFile(*out, func(w io.Writer) (string, error) { return makeCSV(w, *seed, *n, *rows, *newSeed) })
	case "handles":
		count := fs.Int("count", 20000, "handles in the body")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return writeFile(*out, func(w io.Writer) (string, error) { return makeHandles(w, *seed, *n, *count) })
	case "explain":
		query := fs.String("query", "", "the segment, as a query string")
		handles := fs.String("handles", "", "the match body")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return writeFile(*out, func(w io.Writer) (string, error) { return explain(w, *query, *handles) })
	default:
		return fmt.Errorf("unknown subcommand %q", args[0])
	}
}

// writeFile writes what fn writes to path and prints fn's summary.
func writeFile(path string, fn func(io.Writer) (string, error)) error {
	if path == "" {
		return errors.New("-out is required")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	summary, err := fn(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Println(summary)
	return nil
}

// CSVHeader is the columns of the import file: Person fields, one tag a
// row (a list would need the import's separator).
var CSVHeader = []string{"given_name", "family_name", "email", "birth_year", "region", "locality", "locale", "handle", "volunteer", "tags"}

// Every existingEvery-th row is someone already seeded and every badEvery-th
// a row the import must reject.
const (
	existingEvery = 20
	badEvery      = 1000
)

// makeCSV writes rows people: new ones of newSeed, one in existingEvery
// already seeded (spread over the seeded ids, each once), one in badEvery
// broken in one of five ways.
func makeCSV(w io.Writer, seed int64, n, rows int, newSeed int64) (string, error) {
	if newSeed == seed {
		return "", errors.New("-new-seed must differ from -seed")
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return "", err
	}
	existing := min(rows/existingEvery, n)
	var fresh, known, bad int
	for k := range rows {
		var p peopleseed.Person
		switch {
		case k%badEvery == badEvery/2:
			p = peopleseed.Generate(newSeed, k)
		case k%existingEvery == existingEvery-1 && known < existing:
			p = peopleseed.Generate(seed, known*(n/existing))
		default:
			p = peopleseed.Generate(newSeed, k)
		}
		tag := ""
		if len(p.Tags) > 0 {
			tag = p.Tags[0]
		}
		rec := []string{p.GivenName, p.FamilyName, p.Email(), strconv.Itoa(*p.BirthYear), p.Region, p.Locality,
			p.Locale, p.Handle, strconv.FormatBool(p.Volunteer), tag}
		switch {
		case k%badEvery == badEvery/2:
			bad++
			switch (k / badEvery) % 5 {
			case 0:
				rec[2] = "not-an-address"
			case 1:
				rec[2] = ""
			case 2:
				rec[3] = "1850"
			case 3:
				rec[4] = "XX-99"
			default:
				rec[5] = "suburban"
			}
		case k%existingEvery == existingEvery-1 && known < existing:
			known++
		default:
			fresh++
		}
		if err := cw.Write(rec); err != nil {
			return "", err
		}
	}
	cw.Flush()
	return fmt.Sprintf("rows=%d new=%d existing=%d bad=%d", rows, fresh, known, bad), cw.Error()
}

// makeHandles writes {"handles": […]}: count handles alternating between
// seeded people's (some in capitals or without their @, as lists come) and
// handles nobody has.
func makeHandles(w io.Writer, seed int64, n, count int) (string, error) {
	var handles []string
	existing, next := 0, 0 // next: the first seeded person not looked at
	step := max(n/max(count/2, 1), 1)
	for k := range count {
		if k%2 == 0 {
			// The first person with a handle from the slot's share of ids on.
			h := ""
			for j := max(k/2*step, next); h == "" && j < n; j++ {
				h, next = peopleseed.Generate(seed, j).Handle, j+1
			}
			if h != "" {
				switch existing % 4 {
				case 1:
					h = strings.ToUpper(h[:2]) + h[2:]
				case 2:
					h = strings.TrimPrefix(h, "@")
				}
				handles = append(handles, h)
				existing++
				continue
			}
		}
		handles = append(handles, "@nobody_"+strconv.FormatInt(int64(k), 36)+"_x")
	}
	if err := json.NewEncoder(w).Encode(map[string][]string{"handles": handles}); err != nil {
		return "", err
	}
	return fmt.Sprintf("handles=%d existing=%d", len(handles), existing), nil
}

// recorder keeps the SQL GORM runs, values in place.
type recorder struct {
	logger.Interface
	statements []string
}

func (r *recorder) LogMode(logger.LogLevel) logger.Interface { return r }

func (r *recorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	s, _ := fc()
	r.statements = append(r.statements, s)
}

// statement is one query of the server to explain.
type statement struct{ name, title, sql string }

// captured returns the first statement fn runs through db.
func captured(db *gorm.DB, fn func(db *gorm.DB) error) (string, error) {
	rec := &recorder{Interface: logger.Discard}
	if err := fn(db.Session(&gorm.Session{Logger: rec})); err != nil {
		return "", err
	}
	if len(rec.statements) == 0 {
		return "", errors.New("no statement ran")
	}
	return rec.statements[0], nil
}

// explain writes the plans of the server's three statements as Markdown,
// with and without migration 00011.
func explain(w io.Writer, query, handlesFile string) (string, error) {
	ctx := context.Background()
	db, err := database.Open(os.Getenv("GOTONG_DATABASE_URL"), 0)
	if err != nil {
		return "", err
	}
	defer database.Close(db)
	v, err := url.ParseQuery(query)
	if err != nil {
		return "", err
	}
	f, err := segments.Parse(v)
	if err != nil {
		return "", err
	}
	today := civil.Of(time.Now().UTC())
	var body struct{ Handles []string }
	b, err := os.ReadFile(handlesFile)
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(b, &body); err != nil {
		return "", err
	}
	sealer, err := people.NewSealer(keys.Derive(make([]byte, keys.SecretSize)).Seal)
	if err != nil {
		return "", err
	}
	var stmts []statement
	for _, s := range []struct {
		name, title string
		fn          func(db *gorm.DB) error
	}{
		{"count", "the count (segments.Store.Count)", func(db *gorm.DB) error {
			_, err := segments.NewStore(db, slog.Default(), clock.System).Count(ctx, f, today)
			return err
		}},
		{"page", "the first page (segments.Store.List, limit 50: 51 rows asked)", func(db *gorm.DB) error {
			_, err := segments.NewStore(db, slog.Default(), clock.System).List(ctx, f, today, 0, 50)
			return err
		}},
		{"match", "the match, its first chunk of handles (people.Store.Match)", func(db *gorm.DB) error {
			_, err := people.NewStore(db, sealer, clock.System).Match(ctx, nil, body.Handles)
			return err
		}},
	} {
		q, err := captured(db, s.fn)
		if err != nil {
			return "", fmt.Errorf("%s: %w", s.name, err)
		}
		stmts = append(stmts, statement{s.name, s.title, q})
	}
	sqlDB, err := db.DB()
	if err != nil {
		return "", err
	}
	after := map[string]plan{}
	for _, s := range stmts {
		if after[s.name], err = explainOne(ctx, sqlDB, s.sql); err != nil {
			return "", fmt.Errorf("%s: %w", s.name, err)
		}
	}
	before := map[string]plan{}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer func() { _ = tx.Rollback() }() // the point is to roll back
	for _, ddl := range []string{"DROP INDEX people_locality_volunteer_idx"} {
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return "", fmt.Errorf("%s: %w", ddl, err)
		}
	}
	for _, s := range stmts {
		if before[s.name], err = explainOne(ctx, tx, s.sql); err != nil {
			return "", fmt.Errorf("%s without 00011: %w", s.name, err)
		}
	}
	if err := tx.Rollback(); err != nil {
		return "", err
	}

	fmt.Fprintf(w, "Plans of the segment `%s` and of the match, from `EXPLAIN (ANALYZE, BUFFERS)` on the same database\n", query)
	fmt.Fprintf(w, "after the HTTP runs; \"without 00011\" drops the index of migration 00011 (its statistics of the\n")
	fmt.Fprintf(w, "folded handle went with migration 00017: a column, handle_key, has statistics of its own) in a\n")
	fmt.Fprintf(w, "transaction that is rolled back. Costs are left out; long lists of values are cut.\n\n")
	fmt.Fprintf(w, "| statement | with 00011: planning / execution ms | without 00011: planning / execution ms | shared buffers with / without |\n|---|---:|---:|---:|\n")
	summary := []string{}
	for _, s := range stmts {
		a, o := after[s.name], before[s.name]
		fmt.Fprintf(w, "| %s | %.1f / %.1f | %.1f / %.1f | %d / %d |\n", s.title, a.planning, a.execution, o.planning, o.execution, a.buffers, o.buffers)
		summary = append(summary, fmt.Sprintf("%s_ms=%.1f %s_ms_without=%.1f", s.name, a.execution, s.name, o.execution))
	}
	for _, s := range stmts {
		fmt.Fprintf(w, "\n%s, with 00011:\n\n```\n%s```\n", upperFirst(s.title), after[s.name].text)
		fmt.Fprintf(w, "\nwithout 00011:\n\n```\n%s```\n", before[s.name].text)
	}
	return strings.Join(summary, " "), nil
}

func upperFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// plan is an EXPLAIN (ANALYZE, BUFFERS) output, made short.
type plan struct {
	text                string
	planning, execution float64
	buffers             int // shared hit + read of the top node
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

var (
	costs      = regexp.MustCompile(` \(cost=[^)]*\)`)
	longList   = regexp.MustCompile(`'\{[^}]{60,}\}'`)
	longIn     = regexp.MustCompile(`(= ANY \('\{)[^}]{60,}(\}'::text\[\]\))`)
	timing     = regexp.MustCompile(`^(Planning|Execution) Time: ([0-9.]+) ms`)
	sharedBufs = regexp.MustCompile(`Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?`)
)

func explainOne(ctx context.Context, q querier, statement string) (plan, error) {
	rows, err := q.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+statement)
	if err != nil {
		return plan{}, err
	}
	defer rows.Close()
	var p plan
	var sb strings.Builder
	first := true
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return plan{}, err
		}
		if m := timing.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			if m[1] == "Planning" {
				p.planning = v
			} else {
				p.execution = v
			}
		}
		if m := sharedBufs.FindStringSubmatch(line); m != nil && first {
			hit, _ := strconv.Atoi(m[1])
			read, _ := strconv.Atoi(m[2])
			p.buffers, first = hit+read, false
		}
		line = costs.ReplaceAllString(line, "")
		line = longIn.ReplaceAllString(line, "${1}…${2}")
		line = longList.ReplaceAllString(line, "'{…}'")
		sb.WriteString(line + "\n")
	}
	p.text = sb.String()
	return p, rows.Err()
}
