// Package web is the thin HTTP layer: Fiber, middleware, routes and handlers.
// It knows HTTP and calls the domain packages; they never import it.
package web

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/etag"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/config"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/reports"
	"github.com/gotong/gotong/app/segments"
	"github.com/gotong/gotong/locales"
	"github.com/gotong/gotong/views"
	"gorm.io/gorm"
)

// BodyLimit is the largest request body accepted, in bytes.
const BodyLimit = 1 << 20

// RequestTimeout bounds a request: the server's reading of it, its writing
// of the answer, and the work between, whose context ends then, so that
// the statement running is stopped (pgx has PostgreSQL cancel it). fasthttp
// does not tell a handler that its client has gone; this deadline is what
// ends the work nobody waits for. The routes of largeBodies get
// largeBodyTimeout instead.
const RequestTimeout = 30 * time.Second

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 12 * time.Hour

// contentSecurityPolicy allows no inline script or style, and nothing from
// other origins.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// Server holds what the handlers need.
type Server struct {
	cfg      config.Config
	db       *gorm.DB
	log      *slog.Logger
	catalog  *i18n.Catalog
	access   *access.Enforcer
	users    *auth.Store
	sessions *session.Store
	limits   *database.KV
	routes   routeTable

	people        *people.Store
	registrations *registration.Service
	activities    *activities.Store
	petitions     *petitions.Store
	campaigns     *campaigns.Store
	reports       *reports.Service
	segments      *segments.Store
	partners      *partners.Store

	pagesGen      generation // moved by every write that a public page shows
	activitiesGen generation // moved by edits of activities
	pageCache     *ttlCache[renderedPage]
	activityCache *ttlCache[*activities.Activity]
	resultLinks   signer  // signs the links to registration results
	devices       devices // signs the device cookies of sign-ins

	requestTimeout time.Duration // RequestTimeout, shorter in tests
}

// New builds the Fiber app over db.
func New(cfg config.Config, db *gorm.DB, log *slog.Logger) (*fiber.App, *Server, error) {
	catalog, err := i18n.Load(locales.FS, cfg.DefaultLang, log)
	if err != nil {
		return nil, nil, err
	}
	engine := newViews(views.FS)
	if err := engine.Load(); err != nil {
		return nil, nil, err
	}
	return newServer(cfg, db, log, catalog, engine)
}

// newServer is New over a loaded catalogue and views. Both are read-only
// once loaded, so the tests, which start hundreds of servers, parse them
// once.
func newServer(cfg config.Config, db *gorm.DB, log *slog.Logger, catalog *i18n.Catalog, engine *pageViews) (*fiber.App, *Server, error) {
	enforcer, err := access.New()
	if err != nil {
		return nil, nil, err
	}
	sealer, err := people.NewSealer(cfg.SecretKey)
	if err != nil {
		return nil, nil, err
	}
	s := &Server{
		cfg:     cfg,
		db:      db,
		log:     log,
		catalog: catalog,
		access:  enforcer,
		users:   auth.NewStore(db),
		sessions: session.New(session.Config{
			Storage:        database.NewKV(db, "sessions"),
			Expiration:     SessionLifetime,
			KeyLookup:      "cookie:gotong_session",
			CookieHTTPOnly: true,
			CookieSameSite: "Lax",
			CookieSecure:   cfg.SecureCookies,
			CookiePath:     "/",
		}),
		limits:         database.NewKV(db, "rate_limits"),
		routes:         routeTable{},
		resultLinks:    signer{key: cfg.SecretKey, purpose: "registration-result", lifetime: resultLinkLifetime},
		devices:        newDevices(cfg.SecretKey),
		requestTimeout: RequestTimeout,
	}
	s.people = people.NewStore(db, sealer)
	s.registrations = registration.NewService(db, s.people, catalog, cfg.BaseURL)
	s.activities = activities.NewStore(db, s.registrations.SetCapacity)
	s.petitions = petitions.NewStore(db, s.people)
	s.activities.OnCancel = s.registrations.CancelAll
	s.campaigns = campaigns.NewStore(db, s.users)
	s.partners = partners.NewStore(db)
	s.segments = segments.NewStore(db, log)
	s.reports = &reports.Service{Partners: s.partners, Campaigns: s.campaigns, Petitions: s.petitions, DB: db, MinCell: cfg.MinCell}
	s.pageCache, s.activityCache = newTTLCache[renderedPage](&s.pagesGen), newTTLCache[*activities.Activity](&s.activitiesGen)
	s.registrations.Changed = func(int64) { s.pagesGen.bump() }
	s.activities.Changed = func(int64) { s.activitiesGen.bump(); s.pagesGen.bump() }
	app := fiber.New(fiber.Config{
		AppName:               "gotong",
		Views:                 engine,
		BodyLimit:             BodyLimit,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           RequestTimeout,
		WriteTimeout:          RequestTimeout,
		IdleTimeout:           120 * time.Second,
	})
	app.Server().HeaderReceived = s.bodyLimitFor(app) // a larger body for the import, see body_limits.go
	app.Use(recover.New())
	app.Use(requestid.New())
	app.Use(s.deadline)
	app.Use(s.accessLog)
	app.Use(refuseEncodedBody) // before anything reads the body
	app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: contentSecurityPolicy,
		ReferrerPolicy:        "same-origin",
		// No cross-origin isolation headers: nothing here needs them, and
		// they break links opened from partners' sites.
		CrossOriginEmbedderPolicy: "unsafe-none",
	}))
	app.Use(compress.New())
	app.Use(etag.New())
	s.routesSetup(app)
	return app, s, nil
}

// Registrations is the registration service, for the scheduler that
// releases reserved seats.
func (s *Server) Registrations() *registration.Service { return s.registrations }

// deadline gives the request a context that ends after its timeout; the
// access log and the error handler run within it.
func (s *Server) deadline(c *fiber.Ctx) error {
	d := s.requestTimeout
	if _, _, large := largeBody(c.Method(), c.Path()); large {
		d = largeBodyTimeout
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), d)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// accessLog writes one structured line per request. It names the route
// (/activities/:slug/register), never the path or query a person sent: a
// slug tells which activity someone signed up for, and a path or query may
// one day carry a token or an address. (A request that no route took, a
// 404 or a refusal by the middleware before the routes, names the
// middleware's prefix, "/".)
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler set the status before it is logged.
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(c.UserContext(), level, "request",
		"method", c.Method(), "route", c.Route().Path, "status", status,
		"duration_ms", float64(time.Since(start).Microseconds())/1000,
		"request_id", c.GetRespHeader(fiber.HeaderXRequestID), "ip", s.clientIP(c))
	return nil
}

// Sweep removes expired sessions, rate-limit counters and uploads, and mail
// sent longer ago than GOTONG_OUTBOX_KEEP_DAYS; serve calls it periodically.
func (s *Server) Sweep(ctx context.Context) {
	for _, kv := range []*database.KV{database.NewKV(s.db.WithContext(ctx), "sessions"), s.limits} {
		if err := kv.Sweep(); err != nil {
			s.log.Warn("sweep failed", "err", err)
		}
	}
	if err := formlimit.Sweep(s.db.WithContext(ctx), time.Now()); err != nil {
		s.log.Warn("sweep failed", "err", err)
	}
	if err := people.SweepUploads(s.db.WithContext(ctx), time.Now()); err != nil {
		s.log.Warn("sweep failed", "err", err)
	}
	keep := time.Duration(s.cfg.OutboxKeepDays) * 24 * time.Hour
	if n, err := outbox.Purge(ctx, s.db, time.Now().Add(-keep)); err != nil {
		s.log.Warn("sweep failed", "err", err)
	} else if n > 0 {
		s.log.Info("outbox: sent mail purged", "count", n)
	}
}

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }
