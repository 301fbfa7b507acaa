// Package app wires Gotong once: the configuration, the database, the
// stores and services and what each needs of the others. The server and
// every command of the CLI build their App here, so a dependency added once
// reaches both. The domain packages never import it.
package app

import (
	"context"
	"log/slog"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/config"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/reports"
	"github.com/gotong/gotong/app/rights"
	"github.com/gotong/gotong/app/segments"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/locales"
	"gorm.io/gorm"
)

// App is Gotong wired: what the server's handlers and the CLI's commands
// call.
type App struct {
	Config  config.Config
	DB      *gorm.DB
	Log     *slog.Logger
	Catalog *i18n.Catalog
	Access  *access.Enforcer
	Sealer  *people.Sealer
	Keys    keys.Set    // one key per use, derived from Config.SecretKey
	Clock   clock.Clock // the one clock every store reads the time from

	Users         *auth.Store
	People        *people.Store
	Submissions   *submissions.Store // public forms waiting for their email link
	Registrations *registration.Service
	Activities    *activities.Store
	// Cached reads activities through this node's short-lived cache, for
	// public pages and the public forms' links (activities.Cache).
	Cached       *activities.Cache
	Petitions    *petitions.Store
	Campaigns    *campaigns.Store
	Partners     *partners.Store
	Segments     *segments.Store
	Mailings     *mailings.Service
	Path         *path.Service // what a young person went through
	Certificates *path.Certificates
	Surveys      *path.Surveys // an activity's feedback and well-being surveys
	Reports      *reports.Service
	Rights       *rights.Service
	Audit        *audit.Log

	// Changes counts the committed writes that public pages show; the
	// server's caches of this node read it, the CLI lets it count unread.
	Changes *changes.Generations
}

// New builds the stores and services over db, each given what it needs of
// the others: an activity's capacity and cancellation reach its
// registrations (activities.Registrations), and the writes that pages show
// reach Changes.
func New(cfg config.Config, db *gorm.DB, log *slog.Logger) (*App, error) {
	catalog, err := i18n.Load(locales.FS, cfg.DefaultLang, log)
	if err != nil {
		return nil, err
	}
	return Assemble(cfg, db, log, catalog)
}

// Assemble is New over a loaded catalogue. A catalogue is read-only once
// loaded, so the tests, which build hundreds of Apps, load it once.
func Assemble(cfg config.Config, db *gorm.DB, log *slog.Logger, catalog *i18n.Catalog) (*App, error) {
	enforcer, err := access.New()
	if err != nil {
		return nil, err
	}
	k := cfg.Keys()
	sealer, err := people.NewSealer(k.Seal)
	if err != nil {
		return nil, err
	}
	now := clock.System
	a := &App{Config: cfg, DB: db, Log: log, Keys: k, Clock: now, Catalog: catalog, Access: enforcer, Sealer: sealer,
		Changes: new(changes.Generations)}
	a.Users = auth.NewStore(db, now)
	a.People = people.NewStore(db, sealer, now)
	a.Submissions = submissions.NewStore(db, sealer, now)
	a.Cached = activities.NewCache(db, &a.Changes.Activities)
	a.Registrations = registration.NewService(db, a.People, a.Submissions, a.Cached, catalog, cfg.BaseURL, a.Changes, now,
		registration.Rules{GuardianAge: cfg.GuardianAge, GuardianDays: cfg.GuardianDays})
	a.Activities = activities.NewStore(db, a.Registrations, a.Changes, now, cfg.Timezone)
	a.Petitions = petitions.NewStore(db, a.People, a.Submissions, catalog, cfg.BaseURL, now)
	a.Campaigns = campaigns.NewStore(db, a.Users, now)
	a.Partners = partners.NewStore(db, now)
	a.Segments = segments.NewStore(db, log, now)
	a.Mailings = mailings.NewService(db, a.Segments, catalog, cfg.BaseURL, k.Mailing, now)
	a.Reports = reports.NewService(db, a.Partners, a.Campaigns, a.Petitions, cfg.MinCell)
	a.Audit = audit.NewLog(db)
	a.Path = path.NewService(db)
	a.Certificates = path.NewCertificates(db, now)
	a.Surveys = path.NewSurveys(db, catalog, cfg.BaseURL, cfg.MinCell, now)
	a.Rights = rights.New(db, a.People, a.Registrations, now)
	return a, nil
}

// Open opens the database of cfg, brings it up to date (Migrate) and
// builds the App over it. Close releases it.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	db, err := database.Open(cfg.DatabaseURL, cfg.DBMaxConns)
	if err != nil {
		return nil, err
	}
	if err := Migrate(ctx, cfg, db, log); err != nil {
		_ = database.Close(db)
		return nil, err
	}
	a, err := New(cfg, db, log)
	if err != nil {
		_ = database.Close(db)
		return nil, err
	}
	return a, nil
}

// Close closes the database.
func (a *App) Close() error { return database.Close(a.DB) }

// Migrate applies the pending migrations, then seals what an earlier
// version kept in clear and a migration, which has no key, cannot seal, and
// folds for search what SQL cannot fold (people.IndexPending).
func Migrate(ctx context.Context, cfg config.Config, db *gorm.DB, log *slog.Logger) error {
	if err := database.MigrateUp(ctx, db, log); err != nil {
		return err
	}
	sealer, err := people.NewSealer(cfg.Keys().Seal)
	if err != nil {
		return err
	}
	n, err := registration.SealClearPools(ctx, db, sealer)
	if n > 0 {
		log.Info("sealed the pools of sensitive quotas", "registrations", n)
	}
	if err != nil {
		return err
	}
	n, err = people.IndexPending(ctx, db)
	if n > 0 {
		log.Info("indexed people for search", "people", n)
	}
	return err
}
