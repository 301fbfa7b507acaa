package database_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/testdb"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

func TestLost(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("no such table: people"), false},
		{sql.ErrNoRows, false},
		{gorm.ErrRecordNotFound, false},
		{gorm.ErrDuplicatedKey, false},
		{&pgconn.PgError{Code: "23505"}, false}, // unique_violation
		{&pgconn.PgError{Code: "40001"}, false}, // serialization_failure
		{&pgconn.PgError{Code: "28P01"}, false}, // invalid_password: the configuration, not the moment
		{&pgconn.PgError{Code: "08P01"}, false}, // protocol_violation: a bug
		// Stopped at a deadline: Interrupted, whatever the connection
		// did meanwhile.
		{&pgconn.PgError{Code: "57014"}, false},
		{context.DeadlineExceeded, false},
		{errors.Join(context.Canceled, io.ErrUnexpectedEOF), false},

		{&pgconn.PgError{Severity: "FATAL", Code: "57P01"}, true}, // admin_shutdown
		{&pgconn.PgError{Severity: "FATAL", Code: "57P02"}, true}, // crash_shutdown
		{&pgconn.PgError{Severity: "FATAL", Code: "57P03"}, true}, // cannot_connect_now
		{&pgconn.PgError{Severity: "FATAL", Code: "57P05"}, true}, // idle_session_timeout
		{&pgconn.PgError{Code: "08006"}, true},                    // connection_failure
		{&pgconn.PgError{Code: "08001"}, true},                    // sqlclient_unable_to_establish_sqlconnection
		{fmt.Errorf("registration: unable to lock activities: %w", &pgconn.PgError{Code: "57P01"}), true},
		{driver.ErrBadConn, true},
		{io.ErrUnexpectedEOF, true},
		{fmt.Errorf("submissions: unable to find: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, true},
		{&net.OpError{Op: "write", Net: "tcp", Err: syscall.EPIPE}, true},
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true},
		{net.ErrClosed, true},
	} {
		if got := database.Lost(tc.err); got != tc.want {
			t.Errorf("Lost(%v) = %v", tc.err, got)
		}
	}
}

// TestLostRealErrors: what the drivers return when the database is away is
// Lost: no server to dial, a session the server ended, a connection pgx
// closed. The last two need PostgreSQL.
func TestLostRealErrors(t *testing.T) {
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nobody := fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", ln.Addr())
	ln.Close()
	if _, err := database.Open(nobody, 0); !database.Lost(err) {
		t.Errorf("a server that does not answer: %v", err)
	}
	db, url := probeDB(t)
	conn := ownConn(t, db)
	pid := backendPID(t, conn)
	terminate(t, db, pid)
	if _, err := conn.ExecContext(ctx, "SELECT 1"); !database.Lost(err) {
		t.Errorf("a session the server ended: %v", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT 1"); !database.Lost(err) {
		t.Errorf("the same connection, used again: %v", err)
	}
	pc, err := pgconn.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if err := pc.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := pc.Exec(ctx, "SELECT 1").Close(); !database.Lost(err) || !pgconn.SafeToRetry(err) {
		t.Errorf("a connection that pgx closed: %v", err)
	}
}

// FuzzLost: Lost says nothing but the database's absence. No SQLSTATE
// outside the classes of connection exceptions (08) and of operator
// intervention (57) is lost, so that a refusal is never tried again nor
// answered "try again"; wrapping changes no answer; and an interrupted
// statement is never also lost.
func FuzzLost(f *testing.F) {
	for _, code := range []string{"57P01", "57P03", "08006", "08P01", "23505", "57014", "40001", ""} {
		f.Add(code, "FATAL", 1)
	}
	f.Fuzz(func(t *testing.T, code, severity string, wraps int) {
		var err error = &pgconn.PgError{Severity: severity, Code: code, Message: "m"}
		lost := database.Lost(err)
		if lost && !strings.HasPrefix(code, "08") && !strings.HasPrefix(code, "57") {
			t.Fatalf("SQLSTATE %q is lost", code)
		}
		if lost && database.Interrupted(err) {
			t.Fatalf("SQLSTATE %q is both lost and interrupted", code)
		}
		for range wraps % 4 {
			err = fmt.Errorf("store: unable to: %w", err)
		}
		if database.Lost(err) != lost {
			t.Fatalf("SQLSTATE %q wrapped %d times is lost: %v, bare: %v", code, wraps%4, !lost, lost)
		}
	})
}

// TestTxLostBeforeCommit: a transaction whose session the server ends
// before its COMMIT wrote nothing. RetryTx runs it once more on another
// connection, and what it writes then is written once; Tx says Lost.
func TestTxLostBeforeCommit(t *testing.T) {
	db, _ := probeDB(t)
	for _, tc := range []struct {
		name string
		tx   func(context.Context, *gorm.DB, func(*gorm.DB) error) error
		runs int
	}{{"Tx", database.Tx, 1}, {"RetryTx", database.RetryTx, 2}} {
		testdb.Exec(t, db, "DELETE FROM probe")
		runs := 0
		err := tc.tx(context.Background(), db, func(tx *gorm.DB) error {
			runs++
			if err := tx.Exec("INSERT INTO probe (run) VALUES (?)", runs).Error; err != nil {
				return err
			}
			if runs == 1 {
				terminate(t, db, txPID(t, tx))
			}
			return tx.Exec("INSERT INTO probe (run) VALUES (?)", runs).Error
		})
		if runs != tc.runs || (runs == 1) != database.Lost(err) || (runs == 2) != (err == nil) {
			t.Fatalf("%s ran %d times: %v", tc.name, runs, err)
		}
		want := []int{2, 2}
		if runs == 1 {
			want = nil
		}
		if got := probeRuns(t, db); !slices.Equal(got, want) {
			t.Fatalf("%s: the table holds the rows of runs %v, want %v", tc.name, got, want)
		}
	}
}

// TestTxLostDuringCommit: a transaction whose connection is lost once its
// COMMIT is sent may or may not have been committed, and nobody can tell:
// even RetryTx does not run it again, and its error is Lost, which the
// portal answers "try again in a moment". The pool goes on with new
// connections.
func TestTxLostDuringCommit(t *testing.T) {
	db, _ := probeDB(t)
	runs := 0
	err := database.RetryTx(context.Background(), db, func(tx *gorm.DB) error {
		runs++
		if err := tx.Exec("INSERT INTO probe (run) VALUES (?)", runs).Error; err != nil {
			return err
		}
		// Ended after its last statement: the COMMIT meets a closed session.
		terminate(t, db, txPID(t, tx))
		return nil
	})
	if runs != 1 || !database.Lost(err) || !strings.Contains(err.Error(), "outcome unknown") {
		t.Fatalf("ran %d times: %v", runs, err)
	}
	if err := database.Tx(context.Background(), db, func(tx *gorm.DB) error {
		return tx.Exec("INSERT INTO probe (run) VALUES (?)", 2).Error
	}); err != nil {
		t.Fatalf("the next transaction: %v", err)
	}
	if got := probeRuns(t, db); !slices.Equal(got, []int{2}) {
		t.Fatalf("the table holds the rows of runs %v, want that of the next transaction", got)
	}
}

// TestReadRetried: a read outside a transaction whose pooled connection the
// server ended is run again on a new one; a write is not, since it may have
// been done, and says Lost.
func TestReadRetried(t *testing.T) {
	admin, url := probeDB(t)
	// One connection, so that each statement below takes the one ended.
	db, err := database.Open(url, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	// pooled is the server process of the pooled connection, taken twice:
	// pgx pings a new connection when it is first reused.
	pooled := func() int {
		t.Helper()
		var pid int
		for range 2 {
			if err := db.Raw("SELECT pg_backend_pid()").Scan(&pid).Error; err != nil {
				t.Fatal(err)
			}
		}
		return pid
	}
	terminate(t, admin, pooled())
	if err := db.Exec("INSERT INTO probe (run) VALUES (1)").Error; !database.Lost(err) {
		t.Fatalf("a write on an ended connection: %v", err)
	}
	terminate(t, admin, pooled())
	var n int64
	if err := db.Table("probe").Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("a read on an ended connection: %d rows, %v", n, err)
	}
}

// probeDB is a new PostgreSQL database with a table probe of the runs of a
// transaction, and its address; the test is skipped without PostgreSQL.
func probeDB(t *testing.T) (*gorm.DB, string) {
	t.Helper()
	if !slices.Contains(testdb.Dialects(), database.Postgres) {
		t.Skip("PostgreSQL's sessions; set TEST_DATABASE_URL")
	}
	url := testdb.URL(t, database.Postgres)
	db := testdb.Connect(t, url)
	testdb.Exec(t, db, "CREATE TABLE probe (run int NOT NULL)")
	return db, url
}

func probeRuns(t *testing.T, db *gorm.DB) []int {
	t.Helper()
	var runs []int
	if err := db.Raw("SELECT run FROM probe ORDER BY run").Scan(&runs).Error; err != nil {
		t.Fatal(err)
	}
	return runs
}

// txPID is the server process of tx's session.
func txPID(t *testing.T, tx *gorm.DB) int {
	t.Helper()
	var pid int
	if err := tx.Raw("SELECT pg_backend_pid()").Scan(&pid).Error; err != nil {
		t.Fatal(err)
	}
	return pid
}

// ownConn is a connection of db's pool held by the test until it ends.
func ownConn(t *testing.T, db *gorm.DB) *sql.Conn {
	t.Helper()
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func backendPID(t *testing.T, conn *sql.Conn) int {
	t.Helper()
	var pid int
	if err := conn.QueryRowContext(context.Background(), "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	return pid
}

// terminate ends the session of server process pid, as an administrator
// does, from another connection of db, and returns once it is gone.
func terminate(t *testing.T, db *gorm.DB, pid int) {
	t.Helper()
	testdb.Exec(t, db, "SELECT pg_terminate_backend(?)", pid)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int64
		if err := db.Raw("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("session %d still there 10 s after its end was asked", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
