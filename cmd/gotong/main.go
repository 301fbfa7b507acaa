// Command gotong runs the Gotong portal and its chores:
//
//	gotong serve                                  run the portal (migrates first)
//	gotong migrate up|down|status                 database migrations
//	gotong seed demo                              demo data in all four languages
//	gotong seed people --count N [--seed S]       N made-up people with tags, for load tests
//	gotong user create --email E --name N --password P --role R [--partner ID] [--locale L]
//	gotong token create --email E --name N        prints a new API token once, alone on the last line
//	gotong token list --email E                   the user's tokens
//	gotong token revoke --id ID                   revoke a token
//	gotong backup --out FILE                      consistent copy of the database (SQLite)
//	gotong outbox show --id ID                    a queued or sent email, in full
//
// A wrong flag or value exits non-zero with one clear line on standard error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // every activity's zone comes from the binary, not from the machine's files
	"unicode"

	"github.com/gotong/gotong/app"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/config"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/web"
	"github.com/gotong/gotong/locales"
	"gorm.io/gorm"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// usageError is a wrong command, flag or value: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// cli is one run of the command.
type cli struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	getenv config.Getenv
	log    *slog.Logger
}

// run executes args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv config.Getenv) int {
	c := &cli{ctx: ctx, stdout: stdout, stderr: stderr, getenv: getenv,
		log: slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	err := c.dispatch(args)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "gotong: "+oneLine(err))
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// oneLine renders an error on one line, translating domain errors to English.
func oneLine(err error) string {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		if cat, cerr := i18n.Load(locales.FS, "en", nil); cerr == nil {
			l := cat.Localizer("en")
			parts := []string{}
			for field, m := range ae.Fields {
				parts = append(parts, "--"+strings.ReplaceAll(field, "_", "-")+": "+l.T(m.ID, m.Args...))
			}
			if len(parts) > 0 {
				return strings.Join(parts, "; ")
			}
			return l.T(ae.Message.ID, ae.Message.Args...)
		}
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

const usage = "usage: gotong serve | migrate up|down|status | seed demo|people | user create | token create|list|revoke | backup --out FILE | outbox show --id ID"

func (c *cli) dispatch(args []string) error {
	if len(args) == 0 {
		return usagef("%s", usage)
	}
	cmd, rest := args[0], args[1:]
	sub := func() (string, []string, error) {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return "", nil, usagef("%s needs a subcommand", cmd)
		}
		return rest[0], rest[1:], nil
	}
	switch cmd {
	case "serve":
		return c.serve(rest)
	case "migrate":
		s, r, err := sub()
		if err != nil {
			return err
		}
		return c.migrate(s, r)
	case "seed":
		s, r, err := sub()
		if err != nil {
			return err
		}
		switch s {
		case "demo":
			return c.seedDemo(r)
		case "people":
			return c.seedPeople(r)
		default:
			return usagef("seed: unknown data set %q (want demo or people)", s)
		}
	case "user":
		s, r, err := sub()
		if err != nil {
			return err
		}
		if s != "create" {
			return usagef("user: unknown subcommand %q (want create)", s)
		}
		return c.userCreate(r)
	case "token":
		s, r, err := sub()
		if err != nil {
			return err
		}
		return c.token(s, r)
	case "backup":
		return c.backup(rest)
	case "outbox":
		s, r, err := sub()
		if err != nil {
			return err
		}
		if s != "show" {
			return usagef("outbox: unknown subcommand %q (want show)", s)
		}
		return c.outboxShow(r)
	case "help", "-h", "--help":
		fmt.Fprintln(c.stdout, usage)
		return nil
	default:
		return usagef("unknown command %q; %s", cmd, usage)
	}
}

// flags returns a flag set that reports errors as one usage line.
func flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// config loads the configuration; a wrong setting is a usage error.
func (c *cli) config() (config.Config, error) {
	cfg, err := config.Load(c.getenv)
	if err != nil {
		return cfg, usageError{err.Error()}
	}
	return cfg, nil
}

// open builds the application over the database, migrated: what every
// command but migrate and backup works with.
func (c *cli) open() (*app.App, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	return app.Open(c.ctx, cfg, c.log)
}

// openDB opens the database as it is, for migrate and backup.
func (c *cli) openDB() (config.Config, *gorm.DB, error) {
	cfg, err := c.config()
	if err != nil {
		return cfg, nil, err
	}
	db, err := database.Open(cfg.DatabaseURL, cfg.DBMaxConns)
	return cfg, db, err
}

func (c *cli) serve(args []string) error {
	if err := parse(flags("serve"), args); err != nil {
		return err
	}
	a, err := c.open()
	if err != nil {
		return err
	}
	defer a.Close()
	fapp, srv, err := web.New(a)
	if err != nil {
		return err
	}
	cfg := a.Config
	sender, err := c.sender(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, err)
	}
	if cfg.PprofAddr != "" {
		if err := c.servePprof(cfg.PprofAddr); err != nil {
			return err
		}
	}
	c.startWorkers(c.ctx, a, srv, sender)
	c.log.Info("gotong listening", "addr", "http://"+ln.Addr().String(), "database", database.Dialect(a.DB))
	err = web.Serve(c.ctx, fapp, ln, 20*time.Second)
	c.log.Info("gotong stopped")
	return err
}

// servePprof serves Go's profiles on addr (a loopback address, as config
// checks), on a listener of their own so that the site never shows them;
// `make bench` reads the CPU profile of a run from there.
func (c *cli) servePprof(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	context.AfterFunc(c.ctx, func() { _ = srv.Close() })
	c.log.Info("profiles served", "addr", "http://"+ln.Addr().String()+"/debug/pprof/")
	return nil
}

func (c *cli) migrate(sub string, args []string) error {
	if err := parse(flags("migrate "+sub), args); err != nil {
		return err
	}
	if sub != "up" && sub != "down" && sub != "status" {
		return usagef("migrate: unknown subcommand %q (want up, down or status)", sub)
	}
	cfg, db, err := c.openDB()
	if err != nil {
		return err
	}
	defer database.Close(db)
	switch sub {
	case "up":
		return app.Migrate(c.ctx, cfg, db, c.log)
	case "down":
		v, err := database.MigrateDown(c.ctx, db)
		if err == nil {
			fmt.Fprintf(c.stdout, "rolled back version %d\n", v)
		}
		return err
	default:
		st, err := database.MigrationStatus(c.ctx, db)
		if err != nil {
			return err
		}
		for _, m := range st {
			applied := "pending"
			if !m.AppliedAt.IsZero() {
				applied = "applied " + m.AppliedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(c.stdout, "%05d  %-40s %s\n", m.Source.Version, baseName(m.Source.Path), applied)
		}
		return nil
	}
}

func baseName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

func (c *cli) userCreate(args []string) error {
	fs := flags("user create")
	email := fs.String("email", "", "email")
	name := fs.String("name", "", "display name")
	password := fs.String("password", "", "password")
	role := fs.String("role", "", "role")
	partner := fs.Int64("partner", 0, "partner organisation id")
	locale := fs.String("locale", "", "preferred language")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"email", *email}, {"name", *name}, {"password", *password}, {"role", *role}} {
		if f.v == "" {
			return usagef("user create: --%s is required", f.name)
		}
	}
	a, err := c.open()
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Users.CreateUser(c.ctx, 0, auth.NewUser{Email: *email, DisplayName: *name,
		Password: *password, Role: *role, PartnerID: *partner, Locale: *locale})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "created user %d %s (%s)\n", u.ID, u.Email, *role)
	return nil
}

func (c *cli) token(sub string, args []string) error {
	fs := flags("token " + sub)
	switch sub {
	case "create":
		email := fs.String("email", "", "user email")
		name := fs.String("name", "", "token name")
		if err := parse(fs, args); err != nil {
			return err
		}
		if *email == "" || *name == "" {
			return usagef("token create: --email and --name are required")
		}
		a, err := c.open()
		if err != nil {
			return err
		}
		defer a.Close()
		token, t, err := a.Users.CreateToken(c.ctx, *email, *name)
		if err != nil {
			return tokenUserError(err, *email)
		}
		fmt.Fprintf(c.stdout, "token %d for %s; it is shown only once:\n%s\n", t.ID, *email, token)
		return nil
	case "list":
		email := fs.String("email", "", "user email")
		if err := parse(fs, args); err != nil {
			return err
		}
		if *email == "" {
			return usagef("token list: --email is required")
		}
		a, err := c.open()
		if err != nil {
			return err
		}
		defer a.Close()
		ts, err := a.Users.ListTokens(c.ctx, *email)
		if err != nil {
			return tokenUserError(err, *email)
		}
		for _, t := range ts {
			state := "active"
			if t.RevokedAt != nil {
				state = "revoked " + t.RevokedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(c.stdout, "%d\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.UTC().Format(time.RFC3339), state)
		}
		return nil
	case "revoke":
		id := fs.Int64("id", 0, "token id")
		if err := parse(fs, args); err != nil {
			return err
		}
		if *id <= 0 {
			return usagef("token revoke: --id must be a positive token id")
		}
		a, err := c.open()
		if err != nil {
			return err
		}
		defer a.Close()
		if err := a.Users.RevokeToken(c.ctx, *id); err != nil {
			if errors.Is(err, apperr.ErrNotFound) {
				return fmt.Errorf("token revoke: no active token %d", *id)
			}
			return err
		}
		fmt.Fprintf(c.stdout, "revoked token %d\n", *id)
		return nil
	default:
		return usagef("token: unknown subcommand %q (want create, list or revoke)", sub)
	}
}

func tokenUserError(err error, email string) error {
	if errors.Is(err, apperr.ErrNotFound) {
		return fmt.Errorf("no user with email %s", email)
	}
	return err
}

func (c *cli) backup(args []string) error {
	fs := flags("backup")
	out := fs.String("out", "", "output file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("backup: --out is required")
	}
	_, db, err := c.openDB()
	if err != nil {
		return err
	}
	defer database.Close(db)
	if database.Dialect(db) != database.SQLite {
		return usagef("backup: only for SQLite; use pg_dump for PostgreSQL")
	}
	// The copy is made empty and readable by its owner only first, since
	// SQLite would create it with the umask's mode; VACUUM INTO accepts an
	// empty file. O_EXCL never lets a backup overwrite a file.
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return usagef("backup: %s already exists", *out)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// VACUUM INTO writes a consistent, compact copy while the portal runs.
	if err := db.WithContext(c.ctx).Exec("VACUUM INTO ?", *out).Error; err != nil {
		_ = os.Remove(*out)
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(c.stdout, "backup written to %s\n", *out)
	return nil
}

// outboxShow prints one message in full: without SMTP the log names mail by
// id only, and this is how a developer reads it and follows its links.
func (c *cli) outboxShow(args []string) error {
	fs := flags("outbox show")
	id := fs.Int64("id", 0, "message id")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *id <= 0 {
		return usagef("outbox show: --id must be a positive message id")
	}
	a, err := c.open()
	if err != nil {
		return err
	}
	defer a.Close()
	m, err := outbox.Get(c.ctx, a.DB, *id)
	if errors.Is(err, apperr.ErrNotFound) {
		return fmt.Errorf("outbox show: no message %d (sent mail is purged after GOTONG_OUTBOX_KEEP_DAYS)", *id)
	}
	if err != nil {
		return err
	}
	state := "not sent"
	if m.SentAt != nil {
		state = "sent " + m.SentAt.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(c.stdout, "message %d, %s (%s), %s\nTo: %s\nSubject: %s\n\n%s\n", m.ID, m.Kind, m.Locale, state,
		printable(m.ToAddress), printable(m.Subject), printable(m.Body))
	return nil
}

// printable drops control characters but line breaks and tabs: a body holds
// what people typed, and a terminal obeys escape sequences.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}
