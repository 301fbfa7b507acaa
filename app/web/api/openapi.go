package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apidoc"
)

// OpenAPI serves the API contract, docs/openapi.yaml, as JSON to anyone.
// Caches keep it but ask again each time: the etag middleware gives it an
// ETag and answers a matching If-None-Match with 304.
func (h *Handlers) OpenAPI(c *fiber.Ctx) error {
	b, err := apidoc.JSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, no-cache")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
}
