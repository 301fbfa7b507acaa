package web

import (
	"bytes"
	"strings"
	"time"

	"github.com/gotong/gotong/app/people"
	"github.com/valyala/fasthttp"
)

// largeBodyTimeout is how long a route of largeBodies may take to receive
// its body: 32 MB over a slow rural connection takes minutes.
const largeBodyTimeout = 5 * time.Minute

// largeBodies are the routes that take bodies over BodyLimit, keyed
// "METHOD /path" as routes.go writes them, with their own limit. Every
// other request keeps BodyLimit.
var largeBodies = map[string]int{
	"POST " + apiImportPath:    people.MaxImportBytes,
	"POST " + manageImportPath: people.MaxImportBytes + multipartSlack,
	"POST " + manageMatchPath:  matchBodyLimit,
}

// multipartSlack is room for a form's other fields and multipart framing
// beside its file, so that a file of exactly the limit is still taken and
// a larger one is refused by the page itself, with the limit named.
const multipartSlack = 64 << 10

// bodyLimitFor is fasthttp's HeaderReceived hook: once a request's header
// is read and before any byte of its body is, it raises the body limit of
// the routes of largeBodies. The limit is then enforced by fasthttp while
// reading, as for every route: a declared length over it is refused with
// 413 without reading the body, and a chunked body as soon as it passes it.
func bodyLimitFor(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	path := h.RequestURI()
	if i := bytes.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	limit, ok := largeBody(string(h.Method()), string(path))
	if !ok {
		return fasthttp.RequestConfig{}
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: limit, ReadTimeout: largeBodyTimeout}
}

// largeBody is the body limit of a route of largeBodies. The path is
// compared as Fiber routes it (letter case and a trailing slash do not
// matter); a path Fiber would route elsewhere is not one of them.
func largeBody(method, path string) (int, bool) {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	limit, ok := largeBodies[method+" "+strings.ToLower(path)]
	return limit, ok
}
