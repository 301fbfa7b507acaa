package web

import (
	"bytes"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/web/api"
	"github.com/gotong/gotong/app/web/ui"
	"github.com/valyala/fasthttp"
)

// largeBodyTimeout is how long a route of largeBodies may take to receive
// its body: 32 MB over a slow rural connection takes minutes.
const largeBodyTimeout = 5 * time.Minute

// largeBodies are the routes that take bodies over BodyLimit, keyed
// "METHOD /path" as routes.go writes them, with their own limit. Every
// other request keeps BodyLimit.
var largeBodies = map[string]int{
	"POST " + api.ImportPath:      people.MaxImportBytes,
	"POST " + ui.ManageImportPath: people.MaxImportBytes + multipartSlack,
	"POST " + ui.ManageMatchPath:  ui.MatchBodyLimit,
}

// multipartSlack is room for a form's other fields and multipart framing
// beside its file, so that a file of exactly the limit is still taken and
// a larger one is refused by the page itself, with the limit named.
const multipartSlack = 64 << 10

// bodyLimitFor returns fasthttp's HeaderReceived hook: once a request's
// header is read and before any byte of its body is, it raises the body
// limit of a route of largeBodies for a user who may use that route, found
// as identify will find them. The limit is then enforced by fasthttp while
// reading, as for every route: a declared length over it is refused with
// 413 without reading the body, and a chunked body as soon as it passes it.
// So a visitor, or a user without the route's permission, cannot make the
// server read more than BodyLimit before the route refuses them.
func (s *Server) bodyLimitFor(app *fiber.App) func(*fasthttp.RequestHeader) fasthttp.RequestConfig {
	return func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		path := h.RequestURI()
		if i := bytes.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		route, limit, ok := largeBody(string(h.Method()), string(path))
		if !ok || !s.Access.Allowed(s.headerUser(app, h).Grants(), s.routes[route]) {
			return fasthttp.RequestConfig{}
		}
		return fasthttp.RequestConfig{MaxRequestBodySize: limit, ReadTimeout: largeBodyTimeout}
	}
}

// headerUser is the user who sends the request of header h, or nil, found
// by requester over a copy of the header. A bad token or session is nobody
// here: the route itself then answers for it.
func (s *Server) headerUser(app *fiber.App, h *fasthttp.RequestHeader) *auth.User {
	var fctx fasthttp.RequestCtx
	h.CopyTo(&fctx.Request.Header)
	c := app.AcquireCtx(&fctx)
	defer app.ReleaseCtx(c)
	u, err := s.requester(c)
	if err != nil {
		return nil
	}
	return u
}

// identity is the content coding that is none.
var identity = []byte("identity")

// refuseEncodedBody answers 415 to a request that declares a content coding
// of its body. Fiber's Body, BodyParser and FormValue (so the csrf
// middleware too) inflate such a body past every limit: a few hundred KB of
// gzip make gigabytes. It runs before anything reads the body.
func refuseEncodedBody(c *fiber.Ctx) error {
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderContentEncoding) {
		for coding := range bytes.SplitSeq(v, []byte(",")) {
			if coding = bytes.TrimSpace(coding); len(coding) > 0 && !bytes.EqualFold(coding, identity) {
				return fiber.ErrUnsupportedMediaType
			}
		}
	}
	return c.Next()
}

// largeBody finds a request's route among largeBodies, with its limit. The
// path is compared as Fiber routes it (letter case and a trailing slash do
// not matter); a path Fiber would route elsewhere is not one of them.
func largeBody(method, path string) (route string, limit int, ok bool) {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	route = method + " " + strings.ToLower(path)
	limit, ok = largeBodies[route]
	return route, limit, ok
}
