// Package testdb gives tests real, freshly migrated databases: an SQLite file
// always, and a PostgreSQL database of their own when TEST_DATABASE_URL is set
// (created for the test and dropped after it).
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gotong/gotong/app/database"
	_ "github.com/jackc/pgx/v5/stdlib" // the driver gorm's postgres dialector uses
	"gorm.io/gorm"
)

// Dialects lists the databases this run tests against.
func Dialects() []string {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return []string{database.SQLite, database.Postgres}
	}
	return []string{database.SQLite}
}

// Each runs fn as a subtest per database, each with a new migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// New returns a new, migrated database of the dialect, closed after the test.
func New(t testing.TB, dialect string) *gorm.DB {
	t.Helper()
	return Open(t, URL(t, dialect))
}

// Open opens and migrates the database at url (one of URL's), closed after
// the test.
func Open(t testing.TB, url string) *gorm.DB {
	t.Helper()
	db := Connect(t, url)
	if err := database.MigrateUp(context.Background(), db, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	return db
}

// URL returns the address of a new empty database of the dialect, removed
// after the test.
func URL(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == database.SQLite {
		return "sqlite://" + filepath.Join(t.TempDir(), "gotong.db")
	}
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		t.Fatal("testdb: TEST_DATABASE_URL is not set")
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("testdb: TEST_DATABASE_URL: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "gotong_test_" + hex.EncodeToString(b)
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec("CREATE DATABASE " + name); err != nil {
		_ = conn.Close()
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() {
		defer conn.Close()
		if _, err := conn.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// Connect opens the database at url as it is, closed after the test.
func Connect(t testing.TB, url string) *gorm.DB {
	t.Helper()
	db, err := database.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	return db
}

// WithParam is the database URL raw (a postgres:// one) with the query
// parameter k set to v.
func WithParam(t testing.TB, raw, k, v string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String()
}

// Block holds an exclusive lock on table, on a PostgreSQL connection of its
// own, until release is called or the test ends: every statement that reads
// the table meanwhile waits, a slow query on demand.
func Block(t testing.TB, db *gorm.DB, table string) (release func()) {
	t.Helper()
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"BEGIN", "LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			_ = conn.Close()
			t.Fatalf("testdb: %s: %v", q, err)
		}
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			_, _ = conn.ExecContext(ctx, "ROLLBACK")
			_ = conn.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// Running counts the statements running on db's PostgreSQL database whose
// text contains part, other than the asker's.
func Running(t testing.TB, db *gorm.DB, part string) int {
	t.Helper()
	var n int
	if err := db.Raw(`SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'
		AND pid <> pg_backend_pid() AND position(? in query) > 0`, part).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// At opens the empty database at url (from URL) migrated only up to
// version, closed after the test: for a test of a later migration, which
// writes rows as the earlier schema held them and then migrates on.
func At(t testing.TB, url string, version int64) *gorm.DB {
	t.Helper()
	db, err := database.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	p, err := database.Migrator(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return db
}

// Exec runs a statement on db, failing t when it fails.
func Exec(t testing.TB, db *gorm.DB, query string, args ...any) {
	t.Helper()
	if err := db.Exec(query, args...).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
