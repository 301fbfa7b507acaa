// Package testdb gives tests real, freshly migrated databases: an SQLite file
// always, and a PostgreSQL database of their own when TEST_DATABASE_URL is set
// (created for the test and dropped after it).
//
// Migrating is most of the cost of a new database, so each test binary
// migrates once and copies: on SQLite the bytes of a migrated template file,
// on PostgreSQL a template database (CREATE DATABASE … TEMPLATE). A package
// whose tests use PostgreSQL declares
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
//
// so that the template database is dropped when its tests end.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
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

// New returns a new, migrated database of the dialect, closed after the test:
// a copy of the template this test binary migrated once.
func New(t testing.TB, dialect string) *gorm.DB {
	t.Helper()
	if dialect == database.SQLite {
		img, err := sqliteTemplate()
		if err != nil {
			t.Fatalf("testdb: template: %v", err)
		}
		path := filepath.Join(t.TempDir(), "gotong.db")
		if err := os.WriteFile(path, img, 0o600); err != nil {
			t.Fatal(err)
		}
		return Connect(t, "sqlite://"+path)
	}
	if !mainRuns.Load() {
		t.Fatal("testdb: the package's tests use PostgreSQL without func TestMain(m *testing.M) { testdb.Main(m) }, which drops the template database")
	}
	tpl, err := postgresTemplate()
	if err != nil {
		t.Fatalf("testdb: template: %v", err)
	}
	return Connect(t, create(t, tpl))
}

// Main runs the tests of m, then drops the PostgreSQL template database
// that they made, if any.
func Main(m *testing.M) {
	mainRuns.Store(true)
	code := m.Run()
	if err := dropPostgresTemplate(); err != nil {
		fmt.Fprintln(os.Stderr, "testdb:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

var (
	mainRuns atomic.Bool // Main runs the tests

	sqliteOnce sync.Once
	sqliteImg  []byte
	sqliteErr  error

	postgresMu   sync.Mutex
	postgresTpl  string // name of the template database, "" before the first
	postgresDone bool   // postgresTpl was made, or failed with postgresErr
	postgresErr  error
)

// sqliteTemplate returns the bytes of a migrated SQLite file, made once. The
// file is checkpointed and closed before it is read, so its main file holds
// everything and no -wal file needs to travel with a copy.
func sqliteTemplate() ([]byte, error) {
	sqliteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gotong-testdb-")
		if err != nil {
			sqliteErr = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "template.db")
		db, err := database.Open("sqlite://"+path, 0)
		if err != nil {
			sqliteErr = err
			return
		}
		err = migrate(db)
		if err == nil {
			err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
		}
		if cerr := database.Close(db); err == nil {
			err = cerr
		}
		if err == nil {
			sqliteImg, err = os.ReadFile(path)
		}
		sqliteErr = err
	})
	return sqliteImg, sqliteErr
}

// postgresTemplate returns the name of a migrated PostgreSQL database with
// no connection open on it, made once per test binary.
func postgresTemplate() (string, error) {
	postgresMu.Lock()
	defer postgresMu.Unlock()
	if postgresDone {
		return postgresTpl, postgresErr
	}
	postgresDone = true
	admin, err := adminURL()
	if err != nil {
		postgresErr = err
		return "", err
	}
	conn, err := sql.Open("pgx", admin.String())
	if err != nil {
		postgresErr = err
		return "", err
	}
	defer conn.Close()
	name := newName() + "_tpl"
	if _, err := conn.Exec("CREATE DATABASE " + name); err != nil {
		postgresErr = err
		return "", err
	}
	postgresTpl = name
	admin.Path = "/" + name
	db, err := database.Open(admin.String(), 0)
	if err != nil {
		postgresErr = err
		return "", err
	}
	err = migrate(db)
	// A database is copied only while nobody is connected to it.
	if cerr := database.Close(db); err == nil {
		err = cerr
	}
	postgresErr = err
	return name, err
}

// dropPostgresTemplate drops the template database, if one was made.
func dropPostgresTemplate() error {
	postgresMu.Lock()
	defer postgresMu.Unlock()
	if postgresTpl == "" {
		return nil
	}
	admin, err := adminURL()
	if err != nil {
		return err
	}
	conn, err := sql.Open("pgx", admin.String())
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Exec("DROP DATABASE IF EXISTS " + postgresTpl + " WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop %s: %w", postgresTpl, err)
	}
	postgresTpl = ""
	return nil
}

func migrate(db *gorm.DB) error {
	return database.MigrateUp(context.Background(), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// Open opens and migrates the database at url (one of URL's), closed after
// the test.
func Open(t testing.TB, url string) *gorm.DB {
	t.Helper()
	db := Connect(t, url)
	if err := migrate(db); err != nil {
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
	return create(t, "")
}

// create makes a new PostgreSQL database, a copy of template unless that is
// "", dropped after the test, and returns its address.
func create(t testing.TB, template string) string {
	t.Helper()
	u, err := adminURL()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	name := newName()
	q := "CREATE DATABASE " + name
	if template != "" {
		q += " TEMPLATE " + template
	}
	if _, err := conn.Exec(q); err != nil {
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

// adminURL is TEST_DATABASE_URL, where databases are created and dropped.
func adminURL() (*url.URL, error) {
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		return nil, errors.New("testdb: TEST_DATABASE_URL is not set")
	}
	u, err := url.Parse(admin)
	if err != nil {
		return nil, fmt.Errorf("testdb: TEST_DATABASE_URL: %w", err)
	}
	return u, nil
}

// newName is a new database name that a look at pg_database ties to the tests.
func newName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "gotong_test_" + hex.EncodeToString(b)
}

// Connect opens the database at url as it is, closed after the test.
func Connect(t testing.TB, url string) *gorm.DB {
	t.Helper()
	db, err := database.Open(url, 0)
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
	db, err := database.Open(url, 0)
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
