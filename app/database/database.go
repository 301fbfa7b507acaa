// Package database opens the one relational store (an embedded SQLite file by
// default, PostgreSQL in production), runs the embedded migrations and wraps
// transactions.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gosqlite "github.com/glebarez/go-sqlite"
	"github.com/glebarez/sqlite"
	"github.com/gotong/gotong/migrations"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names, as gorm's Dialector.Name() reports them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DefaultConns is the size of a pool of dialect when GOTONG_DB_MAX_CONNS
// is unset: a few connections per core for PostgreSQL, since more only
// queue inside it and fight for the same cores, which lengthens the slowest
// requests; a few for the one SQLite file, whose writers queue in the
// process anyway (Tx). Measured with make bench on 2 cores (issue 18):
// PostgreSQL placed as many taps with 4, 8, 16 or 32, SQLite the most with 8.
func DefaultConns(dialect string) int {
	if dialect == SQLite {
		return 8
	}
	return 4 * runtime.GOMAXPROCS(0)
}

// Open connects to the database named by url (sqlite://PATH or postgres://…)
// with a pool of maxConns connections, or DefaultConns when it is 0.
// SQLite gets WAL, foreign keys, a busy timeout and immediate transactions, so
// that two writers never interleave and a read that decides a write is safe.
func Open(url string, maxConns int) (*gorm.DB, error) {
	cfg := &gorm.Config{
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return time.Now().UTC() },
		TranslateError: true,
		// A single write needs no transaction of its own (GORM would wrap
		// it in BEGIN … COMMIT, two more round trips). Every write of
		// several statements goes through Tx.
		SkipDefaultTransaction: true,
	}
	if path, ok := strings.CutPrefix(url, "sqlite://"); ok {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("database: unable to create %s: %w", dir, err)
			}
		}
		if err := ownerOnly(path); err != nil {
			return nil, fmt.Errorf("database: unable to make %s readable by its owner only: %w", path, err)
		}
		dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
			"&_pragma=busy_timeout(30000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		db, err := gorm.Open(sqlite.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("database: unable to open %s: %w", path, err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		// Each connection runs the pragmas above once.
		setPool(sqlDB, SQLite, maxConns)
		sqlDB.SetConnMaxIdleTime(0)
		return db, nil
	}
	lostAt := new(atomic.Pointer[time.Time])
	db, err := gorm.Open(postgres.New(postgres.Config{DSN: postgresDSN(url),
		OptionOpenDB: []stdlib.OptionOpenDB{stdlib.OptionShouldPing(shouldPing(lostAt))}}), cfg)
	if err != nil {
		return nil, fmt.Errorf("database: unable to connect to PostgreSQL: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	setPool(sqlDB, Postgres, maxConns)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	db.ConnPool = pool{DB: sqlDB, lostAt: lostAt}
	db.Statement.ConnPool = db.ConnPool
	return db, nil
}

// setPool sizes the pool: n connections, or the dialect's default when n is 0.
// Idle ones are kept, so that a rush never waits to open them.
func setPool(sqlDB *sql.DB, dialect string, n int) {
	if n == 0 {
		n = DefaultConns(dialect)
	}
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
}

// ownerOnly creates the SQLite file at path readable and writable by its
// owner only (whatever the umask), before the driver opens it: SQLite gives
// the WAL, shared-memory and journal files it makes the mode of the database
// file. A file more open than that (made by an older Gotong, or copied in),
// and what a crash left beside it, is tightened rather than refused: the
// promise is about the data, and the one supported way for another user to
// read it is a copy by `gotong backup` (the live file is not consistent on
// its own while the WAL holds recent writes).
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		info, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			if err := os.Chmod(p, perm&^0o077); err != nil {
				return err
			}
		}
	}
	return nil
}

// postgresParams are set on every PostgreSQL connection, each unless the
// url names it.
//
// plan_cache_mode: each statement is planned for its own parameters. pgx
// prepares every statement once per connection, and after five runs
// PostgreSQL may keep a generic plan made while a table was nearly empty:
// on a new database filling fast (a first camp opening on the radio) a
// lookup of people by email then stays a sequential scan, and the slowest
// registrations took 100 ms more. Planning our short statements again
// costs microseconds.
//
// statement_timeout: no statement runs longer than a request may, whoever
// started it and whether or not anyone still waits for it (a filter once
// ran 40 s after its client had gone). A long migration or a bulk seed can
// lift it in the url (statement_timeout=0).
var postgresParams = []string{"plan_cache_mode=force_custom_plan", "statement_timeout=30s"}

// postgresDSN is url with postgresParams.
func postgresDSN(url string) string {
	for _, param := range postgresParams {
		name, _, _ := strings.Cut(param, "=")
		switch {
		case strings.Contains(url, name+"="):
		case !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://"):
			url += " " + param // key=value form
		case strings.Contains(url, "?"):
			url += "&" + param
		default:
			url += "?" + param
		}
	}
	return url
}

// Dialect tells which database db speaks: SQLite or Postgres.
func Dialect(db *gorm.DB) string { return db.Dialector.Name() }

// Close closes the pool under db.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping reports whether the database answers.
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Tx runs fn in one transaction: everything fn writes lands together or not at all.
// A connection lost while its COMMIT was under way leaves the outcome
// unknown: the error says so, and is Lost.
//
// SQLite allows one writer, and its busy handler polls: under a rush some
// waiters lose every poll until their timeout. So on SQLite, transactions
// (all of them immediate, so all writers) queue in the process instead,
// where the wait is fair and bounded only by ctx.
func Tx(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	return transact(ctx, db, fn, false)
}

// RetryTx is Tx for a transaction that may run twice: one that decides
// everything again from what it reads, and keeps nothing of a run that did
// not commit (no id that an insert set on the caller's struct, no count
// added up). One whose connection was lost before its COMMIT was sent
// wrote nothing, and runs once more, on another connection: the database
// restarted, or ended that session. A COMMIT whose outcome is unknown is
// not tried again.
func RetryTx(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	return transact(ctx, db, fn, true)
}

// transact is Tx, or RetryTx when retry is set.
func transact(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error, retry bool) error {
	if Dialect(db) == SQLite {
		if sqlDB, err := db.DB(); err == nil {
			mu, _ := sqliteWriters.LoadOrStore(sqlDB, &sync.Mutex{})
			mu.(*sync.Mutex).Lock()
			defer mu.(*sync.Mutex).Unlock()
		}
	}
	err := attempt(ctx, db, fn)
	var unknown errCommitUnknown
	if retry && Lost(err) && !errors.As(err, &unknown) {
		err = attempt(ctx, db, fn)
	}
	return err
}

// attempt runs fn in one transaction. The error it returns says what
// happened (nothing was written, or everything) unless COMMIT was sent and
// its connection lost: then it is an errCommitUnknown.
func attempt(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	tx := db.WithContext(ctx).Begin()
	if tx.Error != nil {
		noteLost(db, tx.Error)
		return tx.Error
	}
	committing := false
	defer func() {
		// fn failed or panicked: nothing it wrote stays.
		if !committing {
			tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		noteLost(db, err)
		return err
	}
	committing = true
	err := tx.Commit().Error
	noteLost(db, err)
	// pgx tells a COMMIT that never left (its connection was known closed)
	// from one sent: only the latter may have been committed.
	if Lost(err) && !pgconn.SafeToRetry(err) {
		return errCommitUnknown{err}
	}
	return err
}

// sqliteWriters holds one writer lock per SQLite pool.
var sqliteWriters sync.Map

// Migrator returns goose's provider over the embedded migrations for db's dialect.
func Migrator(db *gorm.DB) (*goose.Provider, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	dialect, dir := goose.DialectSQLite3, "sqlite"
	if Dialect(db) == Postgres {
		dialect, dir = goose.DialectPostgres, "postgres"
	}
	fsys, err := fs.Sub(migrations.FS, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, sqlDB, fsys, goose.WithDisableGlobalRegistry(true))
}

// MigrateUp applies every pending migration, each in its own transaction.
func MigrateUp(ctx context.Context, db *gorm.DB, log *slog.Logger) error {
	p, err := Migrator(db)
	if err != nil {
		return fmt.Errorf("database: unable to load migrations: %w", err)
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "file", filepath.Base(r.Source.Path), "duration", r.Duration)
	}
	if err != nil {
		return fmt.Errorf("database: unable to migrate up: %w", err)
	}
	return nil
}

// MigrateDown rolls back the newest applied migration.
func MigrateDown(ctx context.Context, db *gorm.DB) (int64, error) {
	p, err := Migrator(db)
	if err != nil {
		return 0, fmt.Errorf("database: unable to load migrations: %w", err)
	}
	r, err := p.Down(ctx)
	if err != nil {
		return 0, fmt.Errorf("database: unable to migrate down: %w", err)
	}
	return r.Source.Version, nil
}

// MigrationStatus lists every known migration and whether it is applied.
func MigrationStatus(ctx context.Context, db *gorm.DB) ([]*goose.MigrationStatus, error) {
	p, err := Migrator(db)
	if err != nil {
		return nil, fmt.Errorf("database: unable to load migrations: %w", err)
	}
	return p.Status(ctx)
}

// Interrupted reports whether err comes from a statement stopped before it
// ended: its context was cancelled or ran out (pgx then asks PostgreSQL to
// cancel it; SQLite interrupts a write, but a read runs to its end, as the
// driver steps rows without watching the context), or PostgreSQL stopped
// it at statement_timeout.
func Interrupted(err error) bool {
	var pg *pgconn.PgError
	var lite *gosqlite.Error
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &pg) && pg.Code == "57014") || // query_canceled
		(errors.As(err, &lite) && lite.Code() == 9) // SQLITE_INTERRUPT
}
