package web

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/keys"
)

// csrfLifetime is how long a form's token stays valid.
const csrfLifetime = 12 * time.Hour

// signedTokens makes CSRF tokens stateless: a token is random bytes signed
// with their issue time (see request.Signer). Fiber's csrf middleware checks that the
// form field equals the cookie (double submit) and asks this storage whether
// the token is known: it is when its signature is ours and it has not
// expired. Nothing is stored, so any node can check a token that another node
// issued, and an anonymous page view writes nothing.
type signedTokens struct{ request.Signer }

func newSignedTokens(key keys.CSRFKey) signedTokens {
	return signedTokens{request.NewSigner(key[:], "csrf", csrfLifetime)}
}

// generate returns a new signed token.
func (s signedTokens) generate() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return s.Seal(base64.RawURLEncoding.EncodeToString(b), time.Now())
}

func (s signedTokens) valid(token string) bool {
	_, ok := s.Open(token, time.Now())
	return ok
}

// Get, Set, Delete, Reset and Close make signedTokens a fiber.Storage.
func (s signedTokens) Get(key string) ([]byte, error) {
	if s.valid(key) {
		return []byte{1}, nil
	}
	return nil, nil
}
func (signedTokens) Set(string, []byte, time.Duration) error { return nil }
func (signedTokens) Delete(string) error                     { return nil }
func (signedTokens) Reset() error                            { return nil }
func (signedTokens) Close() error                            { return nil }

// csrfProtect refuses a state-changing request to the HTML side whose _csrf
// field does not match a valid token. The JSON API authenticates by bearer
// token, never by cookie, so cross-site requests cannot ride on it; nor
// does the one-click unsubscribe (oneClickUnsubscribe). A counted link
// (countedLink) is passed by too, not to be spared a check (a GET has
// none) but so that the middleware sets no cookie on its visitor.
func (s *Server) csrfProtect() fiber.Handler {
	tokens := newSignedTokens(s.Keys.CSRF)
	return csrf.New(csrf.Config{
		Next: func(c *fiber.Ctx) bool {
			return request.IsAPI(c) || strings.HasPrefix(c.Path(), "/static/") || oneClickUnsubscribe(c) || countedLink(c)
		},
		KeyLookup:      "form:_csrf",
		CookieName:     "gotong_csrf",
		CookieSameSite: "Lax",
		CookieHTTPOnly: true,
		CookieSecure:   s.Config.SecureCookies,
		Expiration:     csrfLifetime,
		KeyGenerator:   tokens.generate,
		Storage:        tokens,
		ContextKey:     request.CSRFLocal,
		ErrorHandler: func(c *fiber.Ctx, _ error) error {
			return apperr.New(apperr.Forbidden, "error_csrf")
		},
	})
}

// oneClickUnsubscribe reports whether c is POST /u/{token}, the one form
// without _csrf (API.md): mail programs post it as RFC 8058 says, without
// cookies and from no page of ours, and the signed token in its address is
// its authority. A forged request can only unsubscribe the person whose
// link it already holds.
func oneClickUnsubscribe(c *fiber.Ctx) bool {
	token, ok := strings.CutPrefix(c.Path(), "/u/")
	return ok && c.Method() == fiber.MethodPost && token != "" && !strings.Contains(token, "/")
}

// countedLink reports whether c is GET (or HEAD) /c/{token}, a mailing's
// counted link: a redirect with no form, which must leave nothing with
// its visitor.
func countedLink(c *fiber.Ctx) bool {
	return (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) && strings.HasPrefix(c.Path(), "/c/")
}
