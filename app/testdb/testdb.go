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
	db, err := database.Open(URL(t, dialect))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
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
