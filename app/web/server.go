// Package web is the server: Fiber, its middleware, the error handler, the
// views engine, the page cache and the route table, which names every
// handler of the pages (ui) and the API (api) beside its permission. It
// knows HTTP and calls the domain packages through app.App; they never
// import it.
package web

import (
	"context"
	"log/slog"
	"time"

	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/gotong/gotong/app"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/views"
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

// Server is the web layer of one node: the kit its handlers share, and
// what only the server keeps (the login limits, the route table, the cache
// of rendered pages).
type Server struct {
	*request.Kit
	limits    *database.KV
	routes    routeTable
	pageCache *changes.Cache[renderedPage]

	requestTimeout time.Duration // RequestTimeout, shorter in tests
}

// New builds the Fiber app over the wired application a.
func New(a *app.App) (*fiber.App, *Server, error) {
	engine := newViews(views.FS)
	if err := engine.Load(); err != nil {
		return nil, nil, err
	}
	return newServer(a, engine)
}

// newServer is New over loaded views. They are read-only once loaded, so
// the tests, which start hundreds of servers, parse them once.
func newServer(a *app.App, engine *pageViews) (*fiber.App, *Server, error) {
	sessions := session.New(session.Config{
		Storage:        database.NewKV(a.DB, "sessions"),
		Expiration:     SessionLifetime,
		KeyLookup:      "cookie:gotong_session",
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		CookieSecure:   a.Config.SecureCookies,
		CookiePath:     "/",
	})
	s := &Server{
		Kit:            request.NewKit(a, sessions, engine),
		limits:         database.NewKV(a.DB, "rate_limits"),
		routes:         routeTable{},
		pageCache:      changes.NewCache[renderedPage](&a.Changes.Pages),
		requestTimeout: RequestTimeout,
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
	fapp.Use(etag)
	s.routesSetup(fapp)
	return fapp, s, nil
}

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
	switch {
	case status == fiber.StatusServiceUnavailable:
		// Stopped at a deadline, or the database away: the state of the
		// database, not a fault (handleError warned of its cause).
		level = slog.LevelWarn
	case status >= 500:
		level = slog.LevelError
	}
	s.Log.Log(c.UserContext(), level, "request",
		"method", c.Method(), "route", c.Route().Path, "status", status,
		"duration_ms", float64(time.Since(start).Microseconds())/1000,
		"request_id", c.GetRespHeader(fiber.HeaderXRequestID), "ip", s.ClientIP(c))
	return nil
}

// Sweep removes expired sessions, rate-limit counters and uploads, and mail
// sent longer ago than GOTONG_OUTBOX_KEEP_DAYS; serve calls it periodically.
func (s *Server) Sweep(ctx context.Context) {
	for _, kv := range []*database.KV{database.NewKV(s.DB.WithContext(ctx), "sessions"), s.limits} {
		if err := kv.Sweep(); err != nil {
			s.Log.Warn("sweep failed", "err", err)
		}
	}
	if err := formlimit.Sweep(s.DB.WithContext(ctx), time.Now()); err != nil {
		s.Log.Warn("sweep failed", "err", err)
	}
	if err := s.People.SweepUploads(ctx); err != nil {
		s.Log.Warn("sweep failed", "err", err)
	}
	keep := time.Duration(s.Config.OutboxKeepDays) * 24 * time.Hour
	if n, err := outbox.Purge(ctx, s.DB, time.Now().Add(-keep)); err != nil {
		s.Log.Warn("sweep failed", "err", err)
	} else if n > 0 {
		s.Log.Info("outbox: sent mail purged", "count", n)
	}
}
