package web

import (
	"io/fs"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/web/request"
	"github.com/gotong/gotong/views"
)

// static serves the embedded stylesheet and other assets.
func (s *Server) static(c *fiber.Ctx) error {
	name := path.Clean("/" + c.Params("*"))[1:]
	b, err := fs.ReadFile(views.FS, "static/"+name)
	if err != nil || name == "" {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(path.Ext(name)))
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

// readyz says the database answers.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := database.Ping(c.UserContext(), s.DB); err != nil {
		s.Log.Error("database not ready", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
	}
	return c.SendString("ok")
}
