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
	"github.com/gotong/gotong/app"
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
	"github.com/gotong/gotong/app/rights"
	"github.com/gotong/gotong/app/segments"
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

	rights *rights.Service

	pageCache     *ttlCache[renderedPage]
	activityCache *ttlCache[*activities.Activity]
	resultLinks   signer  // signs the links to registration results
	devices       devices // signs the device cookies of sign-ins

	requestTimeout time.Duration // RequestTimeout, shorter in tests
}

// New builds the Fiber app over the wired application a.
func New(a *app.App) (*fiber.App, *Server, error) {
	cfg, db := a.Config, a.DB
	s := &Server{
		cfg:     cfg,
		db:      db,
		log:     a.Log,
		catalog: a.Catalog,
		access:  a.Access,
		users:   a.Users,
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

		people:        a.People,
		registrations: a.Registrations,
		activities:    a.Activities,
		petitions:     a.Petitions,
		campaigns:     a.Campaigns,
		partners:      a.Partners,
		segments:      a.Segments,
		reports:       a.Reports,
		rights:        a.Rights,
	}
	s.pageCache, s.activityCache = newTTLCache[renderedPage](&a.Changes.Pages), newTTLCache[*activities.Activity](&a.Changes.Activities)
	engine := newViews(views.FS)
	if err := engine.Load(); err != nil {
		return nil, nil, err
	}
	fapp := fiber.New(fiber.Config{
		AppName:               "gotong",
		Views:                 engine,
		BodyLimit:             BodyLimit,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           RequestTimeout,
		WriteTimeout:          RequestTimeout,
		IdleTimeout:           120 * time.Second,
	})
	fapp.Server().HeaderReceived = s.bodyLimitFor(fapp) // a larger body for the import, see body_limits.go
	fapp.Use(recover.New())
	fapp.Use(requestid.New())
	fapp.Use(s.deadline)
	fapp.Use(s.accessLog)
	fapp.Use(refuseEncodedBody) // before anything reads the body
	fapp.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: contentSecurityPolicy,
		ReferrerPolicy:        "same-origin",
		// No cross-origin isolation headers: nothing here needs them, and
		// they break links opened from partners' sites.
		CrossOriginEmbedderPolicy: "unsafe-none",
	}))
	fapp.Use(compress.New())
	fapp.Use(etag.New())
	s.routesSetup(fapp)
	return fapp, s, nil
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
