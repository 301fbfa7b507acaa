package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/web/request"
)

// renderedPage is a page body as the cache keeps it. A page with a form
// is kept without any visitor's token: body has none, and cuts are the
// offsets where each request's own token goes.
type renderedPage struct {
	body        []byte
	cuts        []int
	contentType string
	disposition string
}

// cachedPage serves a public page to anonymous visitors from the cache,
// keyed by language and the whole request URI, so that a hit runs no
// template. Signed-in users get their own rendering (their name and menu
// are on it); so does any page that came out other than 200. A page with a
// form (the registration form) is rendered with a mark in place of the
// CSRF token and served with each request's own token in the mark's places:
// one visitor's token never reaches another's page. Only GET is cached: a
// form shown again after a POST holds what its sender typed.
func (s *Server) cachedPage(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token, _ := c.Locals(request.CSRFLocal).(string)
		if request.CurrentUser(c) != nil || c.Method() != fiber.MethodGet || !plainToken(token) {
			return h(c)
		}
		key := s.Localizer(c).Lang + " " + string(c.Request().URI().RequestURI())
		led := false
		p, err := s.pageCache.Load(key, func() (renderedPage, bool, error) {
			led = true
			return renderShared(c, h, token)
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
		if len(p.cuts) == 0 {
			return c.Send(p.body)
		}
		res, at := c.Response(), 0
		res.ResetBody()
		for _, cut := range p.cuts {
			res.AppendBody(p.body[at:cut])
			res.AppendBodyString(token)
			at = cut
		}
		res.AppendBody(p.body[at:])
		return nil
	}
}

// renderShared runs h for the cache, with a mark in the place of the CSRF
// token that no one can have sent (it is new and random, and it never
// leaves the server), and writes this request's response with its own token
// where the mark is. It returns the page to keep, if it may be kept: one
// that h answered 200 without error.
func renderShared(c *fiber.Ctx, h fiber.Handler, token string) (renderedPage, bool, error) {
	mark := newMark()
	c.Locals(request.CSRFLocal, mark)
	err := h(c)
	c.Locals(request.CSRFLocal, token) // the error page, if any, is this request's
	res := c.Response()
	parts := bytes.Split(res.Body(), []byte(mark))
	p := renderedPage{body: bytes.Join(parts, nil)}
	at := 0
	for _, part := range parts[:len(parts)-1] {
		at += len(part)
		p.cuts = append(p.cuts, at)
	}
	if len(p.cuts) > 0 {
		res.SetBodyRaw(bytes.Join(parts, []byte(token)))
	}
	if err != nil || res.StatusCode() != fiber.StatusOK {
		return renderedPage{}, false, err
	}
	p.contentType = string(res.Header.ContentType())
	p.disposition = string(res.Header.Peek(fiber.HeaderContentDisposition))
	return p, true, nil
}

// newMark is a stand-in for a CSRF token while a page is rendered for the
// cache, of a token's alphabet so that every escaper leaves it as it is.
func newMark() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// plainToken reports whether token holds only what signedTokens makes
// (base64url and dots), which every context of a page (text, attribute,
// URL, script) shows as it is: spliced into the cached page, it reads as
// the template would have written it. Anything else is rendered afresh.
func plainToken(token string) bool {
	for i := 0; i < len(token); i++ {
		switch b := token[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '-', b == '_', b == '.':
		default:
			return false
		}
	}
	return true
}
