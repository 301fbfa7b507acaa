package web

import (
	"context"
	"io/fs"
	"mime"
	"path"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/web/request"
	"github.com/gotong/gotong/views"
)

// static serves the embedded stylesheet and other assets.
func (s *Server) static(c *fiber.Ctx) error {
	return serveStatic(c, path.Clean("/" + c.Params("*"))[1:])
}

// favicon serves the site's icon where browsers look for it unasked.
func (s *Server) favicon(c *fiber.Ctx) error { return serveStatic(c, "favicon.ico") }

// serveStatic sends the embedded asset name. Asked for with the current
// ?v= (AssetVersion, a hash of every asset), it is kept for a year: another
// version has another address. Without it, or with an old one, for five
// minutes only.
func serveStatic(c *fiber.Ctx, name string) error {
	b, err := fs.ReadFile(views.FS, "static/"+name)
	if err != nil || name == "" {
		return fiber.ErrNotFound
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" && path.Ext(name) == ".ico" { // Go knows it only from the system's mime.types
		ctype = "image/x-icon"
	}
	c.Set(fiber.HeaderContentType, ctype)
	if c.Query("v") == request.AssetVersion {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	return c.Send(b)
}

// healthz says the process is alive.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyTimeout bounds /readyz's ping: a database that does not answer in
// that time is not ready, and a load balancer's check gets its answer
// before its own timeout.
const readyTimeout = 2 * time.Second

// readyz says the database answers: 503 while it is away (restarting,
// failing over), 200 again once it is back.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
	defer cancel()
	if err := database.Ping(ctx, s.DB); err != nil {
		// The database's state, which the checks repeat every few seconds.
		s.Log.Warn("database not ready", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
	}
	return c.SendString("ok")
}
