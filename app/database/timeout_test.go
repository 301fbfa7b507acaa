package database_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/testdb"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

func TestInterrupted(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("no such table: people"), false},
		{fmt.Errorf("segments: unable to count: %w", context.DeadlineExceeded), true},
		{fmt.Errorf("segments: unable to count: %w", context.Canceled), true},
		{fmt.Errorf("segments: unable to count: %w", &pgconn.PgError{Code: "57014"}), true}, // query_canceled
		{&pgconn.PgError{Code: "23505"}, false},                                             // unique_violation
	} {
		if got := database.Interrupted(tc.err); got != tc.want {
			t.Errorf("Interrupted(%v) = %v", tc.err, got)
		}
	}
}

// TestStatementTimeout: every PostgreSQL connection stops a statement after
// 30 s unless the URL sets another statement_timeout; a statement stopped
// so is told apart from other failures, and the connection goes on.
func TestStatementTimeout(t *testing.T) {
	if !slices.Contains(testdb.Dialects(), database.Postgres) {
		t.Skip("a PostgreSQL setting; set TEST_DATABASE_URL")
	}
	show := func(db *gorm.DB) string {
		t.Helper()
		var v string
		if err := db.Raw("SHOW statement_timeout").Scan(&v).Error; err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := show(testdb.New(t, database.Postgres)); v != "30s" {
		t.Fatalf("statement_timeout = %q, want 30s", v)
	}
	db := testdb.Connect(t, testdb.WithParam(t, testdb.URL(t, database.Postgres), "statement_timeout", "500ms"))
	if v := show(db); v != "500ms" {
		t.Fatalf("the URL's statement_timeout is not kept: %q", v)
	}
	start := time.Now()
	err := db.Exec("SELECT pg_sleep(5)").Error
	if !database.Interrupted(err) || time.Since(start) > 3*time.Second {
		t.Fatalf("a statement over the timeout: %v after %v", err, time.Since(start))
	}
	if err := db.Exec("SELECT 1").Error; err != nil {
		t.Fatalf("the connection after a timeout: %v", err)
	}
}

// TestCancelStopsStatement: a statement whose context ends returns at once,
// as interrupted. On PostgreSQL it is stopped on the server too (pgx sends
// a cancel request), not only abandoned while it runs on. SQLite's driver
// interrupts a statement run by Exec; a read's rows it steps without
// watching the context (see database.Interrupted).
func TestCancelStopsStatement(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		slow := "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT COUNT(*) FROM c"
		if database.Dialect(db) == database.Postgres {
			slow = "SELECT pg_sleep(30)"
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := db.WithContext(ctx).Exec(slow).Error
		if !database.Interrupted(err) || time.Since(start) > 3*time.Second {
			t.Fatalf("a cancelled statement: %v after %v", err, time.Since(start))
		}
		if err := db.Exec("SELECT 1").Error; err != nil {
			t.Fatalf("the pool after a cancel: %v", err)
		}
		if database.Dialect(db) != database.Postgres {
			return
		}
		for deadline := time.Now().Add(2 * time.Second); testdb.Running(t, db, "pg_sleep") > 0; {
			if time.Now().After(deadline) {
				t.Fatal("the cancelled statement still runs on the server")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
