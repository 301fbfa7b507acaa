package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
)

// cmdEnv runs the command against one database.
type cmdEnv struct {
	t   *testing.T
	env map[string]string
}

func newCmdEnv(t *testing.T, dialect string) *cmdEnv {
	return &cmdEnv{t: t, env: map[string]string{
		"GOTONG_DATABASE_URL": testdb.URL(t, dialect),
		"GOTONG_SECRET_KEY":   "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	}}
}

func (c *cmdEnv) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb, func(k string) string { return c.env[k] })
	return code, out.String(), errb.String()
}

func eachCmd(t *testing.T, fn func(t *testing.T, c *cmdEnv)) {
	for _, d := range testdb.Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, newCmdEnv(t, d)) })
	}
}

// Wrong commands, flags and values exit non-zero with one line on stderr.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	c := newCmdEnv(t, database.SQLite)
	for _, args := range [][]string{
		{},
		{"bogus"},
		{"serve", "--port", "1"},
		{"serve", "extra"},
		{"migrate"},
		{"migrate", "sideways"},
		{"seed", "everything"},
		{"seed", "people"},
		{"seed", "people", "--count", "0"},
		{"seed", "people", "--count", "many"},
		{"seed", "people", "--count", "5", "--seed", "-1"},
		{"seed", "people", "--count", "5", "extra"},
		{"user", "delete"},
		{"user", "create", "--email", "a@b.org"},
		{"user", "create", "--email", "a@b.org", "--name", "A", "--password", "long-enough-pw", "--role", "root"},
		{"user", "create", "--email", "a@b.org", "--name", "A", "--password", "long-enough-pw", "--role", "partner"},
		{"user", "create", "--email", "a@b.org", "--name", "A", "--password", "long-enough-pw", "--role", "admin", "--partner", "x"},
		{"token", "create", "--email", "nobody@example.org", "--name", "x"},
		{"token", "create"},
		{"token", "revoke", "--id", "0"},
		{"token", "revoke", "--id", "999"},
		{"backup"},
		{"outbox"},
		{"outbox", "show"},
		{"outbox", "show", "--id", "999"},
		{"outbox", "list"},
	} {
		code, _, stderr := c.run(args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		last := lines[len(lines)-1]
		if code == 0 || !strings.HasPrefix(last, "gotong: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
		// Only the migration log (JSON) may come before the error line.
		for _, l := range lines[:len(lines)-1] {
			if !strings.HasPrefix(l, "{") {
				t.Errorf("%v: more than one line of error: %q", args, stderr)
			}
		}
	}
	smtp := newCmdEnv(t, database.SQLite)
	smtp.env["GOTONG_SMTP_URL"] = "smtp://mail.example.org:25"
	if code, _, stderr := smtp.run("serve"); code != 2 || !strings.Contains(stderr, "gotong: GOTONG_SMTP_URL: ") {
		t.Errorf("bad SMTP URL: %d %q", code, stderr)
	}
	bad := &cmdEnv{t: t, env: map[string]string{"GOTONG_DEFAULT_LANG": "de"}}
	code, _, stderr := bad.run("serve")
	if code != 2 || stderr != "gotong: GOTONG_DEFAULT_LANG: \"de\" is not one of en, fr, mn, id\n" {
		t.Errorf("bad environment: %d %q", code, stderr)
	}
}

func TestUserAndTokenCommands(t *testing.T) {
	t.Parallel()
	eachCmd(t, func(t *testing.T, c *cmdEnv) {
		code, out, stderr := c.run("user", "create", "--email", "Ana@Example.org", "--name", "Ana", "--password", "long-enough-pw", "--role", "coordinator")
		if code != 0 || !strings.Contains(out, "ana@example.org") {
			t.Fatalf("user create: %d %q %q", code, out, stderr)
		}
		if code, _, stderr := c.run("user", "create", "--email", "ana@example.org", "--name", "Ana", "--password", "long-enough-pw", "--role", "admin"); code == 0 || !strings.Contains(stderr, "already exists") {
			t.Fatalf("duplicate user: %d %q", code, stderr)
		}
		code, out, _ = c.run("token", "create", "--email", "ana@example.org", "--name", "sync")
		if code != 0 {
			t.Fatalf("token create: %d", code)
		}
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		token := lines[len(lines)-1]
		if !strings.HasPrefix(token, "gtg_") || strings.Contains(token, " ") {
			t.Fatalf("the token is not alone on the last line: %q", out)
		}
		db, err := database.Open(c.env["GOTONG_DATABASE_URL"], 0)
		if err != nil {
			t.Fatal(err)
		}
		defer database.Close(db)
		store := auth.NewStore(db, clock.System)
		if u, err := store.UserByToken(context.Background(), token); err != nil || u.Email != "ana@example.org" {
			t.Fatalf("printed token does not authenticate: %v", err)
		}
		code, out, _ = c.run("token", "list", "--email", "ana@example.org")
		if code != 0 || !strings.Contains(out, "sync") || !strings.Contains(out, "active") {
			t.Fatalf("token list: %d %q", code, out)
		}
		id := strings.Fields(out)[0]
		if code, _, _ := c.run("token", "revoke", "--id", id); code != 0 {
			t.Fatalf("token revoke: %d", code)
		}
		if _, err := store.UserByToken(context.Background(), token); err == nil {
			t.Fatal("revoked token still authenticates")
		}
	})
}

func TestSeedDemoIsIdempotent(t *testing.T) {
	t.Parallel()
	eachCmd(t, func(t *testing.T, c *cmdEnv) {
		code, out, _ := c.run("seed", "demo")
		if code != 0 || strings.Count(out, "created") != len(demoUsers)+len(demoActivities)+1 || !strings.Contains(out, DemoPassword) {
			t.Fatalf("seed: %d %q", code, out)
		}
		code, out, _ = c.run("seed", "demo")
		if code != 0 || strings.Contains(out, "created") || strings.Count(out, "exists") != len(demoUsers)+len(demoActivities)+1 {
			t.Fatalf("second seed: %d %q", code, out)
		}
		roles := map[string]bool{}
		for _, u := range demoUsers {
			roles[u.Role] = true
		}
		if len(roles) != 5 {
			t.Fatalf("demo users cover %d roles, want every assignable role", len(roles))
		}
		cl := &cli{ctx: context.Background(), stdout: io.Discard, stderr: io.Discard,
			getenv: func(k string) string { return c.env[k] }, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		a, err := cl.open()
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		circle, err := a.Activities.GetBySlug(context.Background(), "thursday-circle")
		if err != nil || !circle.Discreet || circle.GuardianAgeOr(0) != 18 {
			t.Fatalf("the demo's discreet activity: %v", err)
		}
	})
}

// TestSeedPeople: the people are written once per seed; the same seed
// again is refused with one line and nothing written, another is added.
func TestSeedPeople(t *testing.T) {
	t.Parallel()
	eachCmd(t, func(t *testing.T, c *cmdEnv) {
		code, out, stderr := c.run("seed", "people", "--count", "30", "--seed", "4")
		if code != 0 || !strings.HasPrefix(out, "seeded 30 people (seed 4, ids 1 to 30) with ") {
			t.Fatalf("seed: %d %q %q", code, out, stderr)
		}
		code, _, stderr = c.run("seed", "people", "--count", "30", "--seed", "4")
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 1 || lines[len(lines)-1] != "gotong: seed people: the people of seed 4 are already there; choose another --seed" {
			t.Fatalf("same seed again: %d %q", code, stderr)
		}
		code, out, stderr = c.run("seed", "people", "--count", "5")
		if code != 0 || !strings.HasPrefix(out, "seeded 5 people (seed 1, ids 31 to 35) with ") {
			t.Fatalf("another seed: %d %q %q", code, out, stderr)
		}
		db, err := database.Open(c.env["GOTONG_DATABASE_URL"], 0)
		if err != nil {
			t.Fatal(err)
		}
		defer database.Close(db)
		var n int64
		db.Table("people").Count(&n)
		if n != 35 {
			t.Fatalf("%d people, want 35", n)
		}
	})
}

func TestMigrateCommands(t *testing.T) {
	t.Parallel()
	eachCmd(t, func(t *testing.T, c *cmdEnv) {
		if code, _, stderr := c.run("migrate", "up"); code != 0 {
			t.Fatalf("up: %q", stderr)
		}
		code, out, _ := c.run("migrate", "status")
		if code != 0 || !strings.Contains(out, "00001_foundation.sql") || !strings.Contains(out, "applied") {
			t.Fatalf("status: %q", out)
		}
		if code, out, _ := c.run("migrate", "down"); code != 0 || !strings.Contains(out, "rolled back version ") {
			t.Fatalf("down: %q", out)
		}
		if _, out, _ := c.run("migrate", "status"); !strings.Contains(out, "pending") {
			t.Fatalf("status after down: %q", out)
		}
	})
}

func TestBackup(t *testing.T) {
	t.Parallel()
	c := newCmdEnv(t, database.SQLite)
	c.run("seed", "demo")
	out := filepath.Join(t.TempDir(), "copy.db")
	if code, _, stderr := c.run("backup", "--out", out); code != 0 {
		t.Fatalf("backup: %q", stderr)
	}
	copyEnv := &cmdEnv{t: t, env: map[string]string{"GOTONG_DATABASE_URL": "sqlite://" + out, "GOTONG_SECRET_KEY": c.env["GOTONG_SECRET_KEY"]}}
	if _, got, _ := copyEnv.run("seed", "demo"); strings.Contains(got, "created") {
		t.Fatalf("the backup lacks the demo users: %q", got)
	}
	if code, _, _ := c.run("backup", "--out", out); code == 0 {
		t.Fatal("backup overwrote an existing file")
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}

// Without SMTP, a developer reads a notice with outbox show, which the log
// names only by id; what the terminal would take for a command is left out.
func TestOutboxShow(t *testing.T) {
	t.Parallel()
	eachCmd(t, func(t *testing.T, c *cmdEnv) {
		if code, _, stderr := c.run("migrate", "up"); code != 0 {
			t.Fatalf("migrate: %q", stderr)
		}
		db, err := database.Open(c.env["GOTONG_DATABASE_URL"], 0)
		if err != nil {
			t.Fatal(err)
		}
		defer database.Close(db)
		if err := outbox.Enqueue(db, outbox.Message{Kind: "registration.confirmed", Locale: "mn", ToAddress: "saraa@example.org",
			Subject: "Бүртгэл баталгаажлаа", Body: "Сайн байна уу, \x1b]8;;http://evil.example\x07Saraa!\nhttp://127.0.0.1:8080/activities/camp"}); err != nil {
			t.Fatal(err)
		}
		var id int64
		db.Model(&outbox.Message{}).Select("id").Scan(&id)
		code, out, stderr := c.run("outbox", "show", "--id", strconv.FormatInt(id, 10))
		if code != 0 {
			t.Fatalf("outbox show: %d %q", code, stderr)
		}
		for _, want := range []string{"registration.confirmed", "saraa@example.org", "Бүртгэл баталгаажлаа", "not sent", "\nhttp://127.0.0.1:8080/activities/camp"} {
			if !strings.Contains(out, want) {
				t.Errorf("outbox show lacks %q: %q", want, out)
			}
		}
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("outbox show printed control characters: %q", out)
		}
	})
}

// TestUserCreatePartner: a partner account needs an organisation that
// exists, on SQLite (no foreign key there) as on PostgreSQL.
func TestUserCreatePartner(t *testing.T) {
	t.Parallel()
	eachCmd(t, func(t *testing.T, c *cmdEnv) {
		code, _, stderr := c.run("user", "create", "--email", "p@example.org", "--name", "P", "--password", "long-enough-pw",
			"--role", "partner", "--partner", "999")
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code == 0 || lines[len(lines)-1] != "gotong: --partner: Unknown partner organisation." {
			t.Fatalf("unknown organisation: exit %d, stderr %q", code, stderr)
		}
		db, err := database.Open(c.env["GOTONG_DATABASE_URL"], 0)
		if err != nil {
			t.Fatal(err)
		}
		defer database.Close(db)
		var n int64
		db.Model(&auth.User{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d users written by a refused command", n)
		}
		name, kind := "Youth council", partners.KindYouthCouncil
		org, err := partners.NewStore(db, clock.System).Create(context.Background(), access.Viewer{Staff: true}, partners.Input{Name: &name, Kind: &kind})
		if err != nil {
			t.Fatal(err)
		}
		code, out, stderr := c.run("user", "create", "--email", "p@example.org", "--name", "P", "--password", "long-enough-pw",
			"--role", "partner", "--partner", strconv.FormatInt(org.ID, 10))
		if code != 0 || !strings.Contains(out, "p@example.org (partner)") {
			t.Fatalf("known organisation: exit %d, %q %q", code, out, stderr)
		}
	})
}

// TestMigrateUpSealsClearPools: a database from before sealed pools keeps
// "disability" and "minority" in clear beside registrations; `migrate up`
// leaves every seat in its pool but none in clear, and `migrate down` makes
// the sealed seats general ones, with counters to match.
func TestMigrateUpSealsClearPools(t *testing.T) {
	t.Parallel()
	eachCmd(t, func(t *testing.T, c *cmdEnv) {
		db := testdb.At(t, c.env["GOTONG_DATABASE_URL"], 11)
		now := time.Now().UTC()
		exec := func(q string, args ...any) { t.Helper(); testdb.Exec(t, db, q, args...) }
		exec("INSERT INTO activities (id, slug, kind, starts_at, ends_at, capacity, status, created_at, updated_at) VALUES (1, 'camp', 'camp', ?, ?, 4, 'published', ?, ?)", now, now, now, now)
		reg := "INSERT INTO registrations (id, activity_id, person_id, status, pool, waitlist_order, consent_version, consent_at, created_at, updated_at) VALUES (?, 1, NULL, 'confirmed', ?, ?, 'v', ?, ?, ?)"
		for i, pool := range []string{"disability", "minority", "general", "rural"} {
			exec(reg, i+1, pool, i+1, now, now, now)
		}
		exec("INSERT INTO activity_seats (activity_id, general, rural, disability, minority, last_order) VALUES (1, 1, 1, 1, 1, 4)")

		if code, _, stderr := c.run("migrate", "up"); code != 0 {
			t.Fatalf("up: %q", stderr)
		}
		// A connection of SQLite opened before another changed the table
		// may still read the old columns: read through a new one.
		_ = database.Close(db)
		db, err := database.Open(c.env["GOTONG_DATABASE_URL"], 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = database.Close(db) })
		var rows []registration.Registration
		db.Order("id").Find(&rows)
		key, _ := base64.StdEncoding.DecodeString(c.env["GOTONG_SECRET_KEY"])
		sealer, err := people.NewSealer(keys.Derive(key).Seal)
		if err != nil {
			t.Fatal(err)
		}
		var stored, opened []string
		for _, r := range rows {
			stored = append(stored, *r.Pool)
			pool, err := registration.OpenPool(sealer, &r)
			if err != nil {
				t.Fatal(err)
			}
			opened = append(opened, pool)
		}
		if got := strings.Join(stored, " "); got != "reserved reserved general rural" {
			t.Fatalf("stored pools after up: %s", got)
		}
		if got := strings.Join(opened, " "); got != "disability minority general rural" {
			t.Fatalf("opened pools after up: %s", got)
		}

		for {
			code, out, stderr := c.run("migrate", "down")
			if code != 0 {
				t.Fatalf("down: %q", stderr)
			}
			if out == "rolled back version 12\n" {
				break
			}
		}
		var seats struct{ General, Rural, Disability, Minority int }
		db.Raw("SELECT general, rural, disability, minority FROM activity_seats").Scan(&seats)
		var general int64
		db.Table("registrations").Where("pool = 'general'").Count(&general)
		if seats.General != 3 || seats.Rural != 1 || seats.Disability != 0 || seats.Minority != 0 || general != 3 {
			t.Fatalf("after down: %d general registrations, counters %+v", general, seats)
		}
	})
}

// TestMigrateUpIndexesPeople: people from before migration 00017 have no
// search columns; `migrate up` writes them in Go, so that a Cyrillic name
// is found in any letter case, on SQLite too, and a Cyrillic handle
// matched.
func TestMigrateUpIndexesPeople(t *testing.T) {
	t.Parallel()
	eachCmd(t, func(t *testing.T, c *cmdEnv) {
		db := testdb.At(t, c.env["GOTONG_DATABASE_URL"], 15)
		now := time.Now().UTC()
		testdb.Exec(t, db, "INSERT INTO people (id, given_name, family_name, email, handle, created_at, updated_at) VALUES (1, 'Батбаяр', 'Болд', 'bat@example.org', '@БАТ', ?, ?)", now, now)
		if code, _, stderr := c.run("migrate", "up"); code != 0 {
			t.Fatalf("up: %q", stderr)
		}
		_ = database.Close(db)
		db, err := database.Open(c.env["GOTONG_DATABASE_URL"], 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = database.Close(db) })
		var n int64
		db.Table("people").Where("search_text LIKE ?", people.SearchPattern("БАТБАЯР болд")).Count(&n)
		if n != 1 {
			t.Fatalf("after up, the search finds %d", n)
		}
		res, err := people.NewStore(db, nil, clock.System).Match(context.Background(), nil, []string{"бат"})
		if err != nil || res.Matched != 1 {
			t.Fatalf("after up, the match: %+v, %v", res, err)
		}
	})
}

// TestCLICancelCancelsRegistrations: the CLI wires the stores as the server
// does (app.Open), so cancelling a seeded activity through them cancels its
// registrations; the seed once built an activity store without that rule.
func TestCLICancelCancelsRegistrations(t *testing.T) {
	eachCmd(t, func(t *testing.T, c *cmdEnv) {
		if code, out, stderr := c.run("seed", "demo"); code != 0 {
			t.Fatalf("seed: %d %q %q", code, out, stderr)
		}
		cl := &cli{ctx: context.Background(), stdout: io.Discard, stderr: io.Discard,
			getenv: func(k string) string { return c.env[k] }, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		a, err := cl.open()
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		ctx := context.Background()
		camp, err := a.Activities.GetBySlug(ctx, "summer-camp")
		if err != nil {
			t.Fatal(err)
		}
		r, err := a.Registrations.Register(ctx, camp, registration.Request{Consent: true, Person: people.Declared{
			GivenName: "Saraa", Email: "saraa@example.org", BirthYear: time.Now().Year() - 20, Region: "MN-057", Locality: people.Urban}})
		if err != nil || r.Status != string(registration.Confirmed) {
			t.Fatalf("register: %+v %v", r, err)
		}
		if _, err := a.Activities.SetStatus(ctx, 0, camp.ID, activities.StatusCancelled); err != nil {
			t.Fatal(err)
		}
		if got, err := a.Registrations.Get(ctx, r.ID); err != nil || got.Status != string(registration.Cancelled) {
			t.Fatalf("after the activity was cancelled, its registration is %+v %v", got, err)
		}
	})
}
