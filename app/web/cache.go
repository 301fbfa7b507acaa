package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/web/request"
)

// renderedPage is a page body as the cache keeps it.
type renderedPage struct {
	body        []byte
	contentType string
	disposition string
}

// cachedPage serves a public page to anonymous visitors from the cache,
// keyed by language and the whole request URI. Signed-in users get their own
// rendering (their name and menu are on it); so does any page that came out
// other than 200 or that carries the visitor's CSRF token, which must never
// reach another visitor.
func (s *Server) cachedPage(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if request.CurrentUser(c) != nil {
			return h(c)
		}
		key := s.Localizer(c).Lang + " " + string(c.Request().URI().RequestURI())
		led := false
		p, err := s.pageCache.Load(key, func() (renderedPage, bool, error) {
			led = true
			if err := h(c); err != nil {
				return renderedPage{}, false, err
			}
			res := c.Response()
			token, _ := c.Locals(request.CSRFLocal).(string)
			if res.StatusCode() != fiber.StatusOK || (token != "" && bytes.Contains(res.Body(), []byte(token))) {
				return renderedPage{}, false, nil
			}
			return renderedPage{body: bytes.Clone(res.Body()), contentType: string(res.Header.ContentType()),
				disposition: string(res.Header.Peek(fiber.HeaderContentDisposition))}, true, nil
		})
		switch {
		case led: // this request made the page, and its response is written
			return err
		case err != nil:
			return err
		case p.body == nil: // the leader's page was not for sharing
			return h(c)
		}
		c.Set(fiber.HeaderContentType, p.contentType)
		if p.disposition != "" {
			c.Set(fiber.HeaderContentDisposition, p.disposition)
		}
		return c.Send(p.body)
	}
}
