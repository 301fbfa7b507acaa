package database

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
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
