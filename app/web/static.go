package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/views"
)

// assetVersion changes whenever a static file changes, so links to
// /static/… can be cached for a year.
var assetVersion = func() string {
	h := sha256.New()
	_ = fs.WalkDir(views.FS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(views.FS, p)
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:10]
}()

// static serves the embedded stylesheet and other assets.
func (s *Server) static(c *fiber.Ctx) error {
	name := path.Clean("/" + c.Params("*"))[1:]
	b, err := fs.ReadFile(views.FS, "static/"+name)
	if err != nil || name == "" {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(path.Ext(name)))
	if c.Query("v") == assetVersion {
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
	if err := database.Ping(c.UserContext(), s.db); err != nil {
		s.log.Error("database not ready", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
	}
	return c.SendString("ok")
}
