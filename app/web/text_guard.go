package web

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/usertext"
	"github.com/valyala/fasthttp"
)

// refuseUnstorableText answers 422 to a request whose query or form values,
// or whose JSON strings, hold NUL or bytes that are not UTF-8 (usertext.Any).
// PostgreSQL refuses both, and text reaches it through far more doors than
// the domains validate as fields (a search, a filter, the login, a saved
// segment's query, an audit filter), so one guard in front of every handler
// makes each of them a 422 rather than a 500, on both databases alike. The
// domains still check the fields they store (usertext.Check), which the
// import and the command line reach without passing here. A CSV body (the
// import) is checked by its own reader.
func (s *Server) refuseUnstorableText(c *fiber.Ctx) error {
	f := apperr.Fields{}
	args := func(a *fasthttp.Args) {
		for k, v := range a.All() {
			name := usertext.OneLine(string(k))
			usertext.Check(f, name, string(k), usertext.Any)
			usertext.Check(f, name, string(v), usertext.Any)
		}
	}
	args(c.Request().URI().QueryArgs())
	switch ct := strings.ToLower(c.Get(fiber.HeaderContentType)); {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		args(c.Request().PostArgs())
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		if form, err := c.MultipartForm(); err == nil { // a broken form is its handler's to refuse
			for k, vs := range form.Value {
				for _, v := range append([]string{k}, vs...) {
					usertext.Check(f, usertext.OneLine(k), v, usertext.Any)
				}
			}
		}
	case strings.HasPrefix(ct, fiber.MIMEApplicationJSON):
		checkJSONText(f, c.Body())
	}
	if len(f) == 0 {
		return c.Next()
	}
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	slices.Sort(names)
	return &apperr.Error{Kind: apperr.Invalid, Message: f[names[0]], Fields: f}
}

// checkJSONText checks every string of a JSON body, keys and values, adding
// a problem under the name of the member that holds it (an array's
// elements are their member's, a key is its own, a top-level string is
// "body"). The bytes of each string are checked as sent, since
// encoding/json would turn invalid UTF-8 into U+FFFD. A body that is not
// JSON is left to decodeJSON.
func checkJSONText(f apperr.Fields, body []byte) {
	type level struct {
		object, wantKey bool
		name            string
	}
	stack := []level{{name: "body"}}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return
		}
		top := &stack[len(stack)-1]
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{', '[':
				stack = append(stack, level{object: tok == '{', wantKey: tok == '{', name: top.name})
			default:
				stack = stack[:len(stack)-1]
				if up := &stack[len(stack)-1]; up.object {
					up.wantKey = true
				}
			}
		case string:
			key := top.object && top.wantKey
			name := top.name
			if key {
				name = usertext.OneLine(tok)
				top.name, top.wantKey = tok, false
			} else if top.object {
				top.wantKey = true
			}
			raw := body[start:dec.InputOffset()] // as sent, with the separators before it
			usertext.Check(f, name, string(raw), usertext.Any)
			usertext.Check(f, name, tok, usertext.Any) // NUL sent as \u0000
		default:
			if top.object {
				top.wantKey = true
			}
		}
	}
}
