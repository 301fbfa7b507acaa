package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// Lost reports whether err says that the database is away: the connection
// a statement ran on was lost (the server restarted, crashed, or ended the
// session), or none could be made. A statement that the database refused,
// or that was stopped at a deadline (Interrupted), is not lost. SQLite's
// errors never are: it is a file in the process.
func Lost(err error) bool {
	if err == nil || Interrupted(err) {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "57P01", // admin_shutdown: a fast shutdown, or pg_terminate_backend
			"57P02", // crash_shutdown: another backend crashed, all are ended
			"57P03", // cannot_connect_now: starting up or shutting down
			"57P05": // idle_session_timeout
			return true
		case "08P01": // protocol_violation: a bug, which trying again repeats
			return false
		}
		return strings.HasPrefix(pg.Code, "08") // connection_exception
	}
	// A connection that pgx knows closed; one that database/sql was told
	// is bad (within a transaction it does not try another); the end of a
	// connection found while reading an answer, writing a statement, or
	// dialling (refused, reset, broken pipe, a name that does not resolve).
	var op *net.OpError
	return errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.As(err, &op)
}

// errCommitUnknown wraps the error of a connection lost while COMMIT was
// under way: the transaction may have been committed or not, and nobody
// can tell, so it is not tried again. It is Lost, like what it wraps.
type errCommitUnknown struct{ err error }

func (e errCommitUnknown) Error() string {
	return "database: connection lost during COMMIT, its outcome unknown: " + e.err.Error()
}

func (e errCommitUnknown) Unwrap() error { return e.err }

// pool is gorm's pool of a PostgreSQL database, made to get over the loss
// of its connections: the server restarted or failed over, which ends them
// all at once, or ended one session.
//
// database/sql tries again by itself only what failed before it was sent,
// and pgx finds out a dead pooled connection before sending only when it
// has been idle for a second (it pings it then). Under load the loss is
// found by the statements sent on the connections that the server ended.
// So once one is found lost, every connection taken before that is pinged
// before it is used again (shouldPing), and database/sql replaces those
// that do not answer: what is tried again gets a live one. A read outside
// any transaction (a SELECT) whose connection was lost is tried again
// here, once: it changed nothing. A transaction is tried again by RetryTx.
type pool struct {
	*sql.DB
	lostAt *atomic.Pointer[time.Time] // when a connection was last found lost
}

// shouldPing tells pgx to ping a pooled connection before it is used
// again: when it has been idle for a second (pgx's own rule), or was last
// taken before a connection was found lost at lostAt.
func shouldPing(lostAt *atomic.Pointer[time.Time]) func(context.Context, stdlib.ShouldPingParams) bool {
	return func(_ context.Context, p stdlib.ShouldPingParams) bool {
		lost := lostAt.Load()
		return p.IdleDuration > time.Second || (lost != nil && !time.Now().Add(-p.IdleDuration).After(*lost))
	}
}

// note records that a connection of the pool was found lost now, when
// err says so.
func (p pool) note(err error) {
	if Lost(err) {
		now := time.Now()
		p.lostAt.Store(&now)
	}
}

// noteLost is note for the pool of db, when it is a PostgreSQL one.
func noteLost(db *gorm.DB, err error) {
	if p, ok := db.ConnPool.(pool); ok {
		p.note(err)
	}
}

func (p pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := p.DB.ExecContext(ctx, query, args...)
	p.note(err)
	return res, err
}

func (p pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := p.DB.QueryContext(ctx, query, args...)
	p.note(err)
	if err != nil && reads(query) && Lost(err) {
		return p.DB.QueryContext(ctx, query, args...)
	}
	return rows, err
}

func (p pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	row := p.DB.QueryRowContext(ctx, query, args...)
	p.note(row.Err())
	if reads(query) && Lost(row.Err()) {
		return p.DB.QueryRowContext(ctx, query, args...)
	}
	return row
}

// GetDBConn is the pool under p, for gorm's DB().
func (p pool) GetDBConn() (*sql.DB, error) { return p.DB, nil }

// reads reports whether query is a SELECT, which only reads. (A statement
// that starts with WITH may write, and is not tried again.)
func reads(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= len("SELECT") && strings.EqualFold(q[:len("SELECT")], "SELECT")
}
