package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gotong/gotong/app/apperr"
)

// csrfLifetime is how long a form's token stays valid.
const csrfLifetime = 12 * time.Hour

// signedTokens makes CSRF tokens stateless: a token is random bytes, its
// issue time and an HMAC of both under the secret key. Fiber's csrf
// middleware checks that the form field equals the cookie (double submit) and
// asks this storage whether the token is known: it is when its signature is
// ours and it has not expired. Nothing is stored, so any node can check a
// token that another node issued, and an anonymous page view writes nothing.
type signedTokens struct {
	key []byte
}

func (s signedTokens) sign(payload string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("csrf:" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// generate returns a new signed token.
func (s signedTokens) generate() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	payload := base64.RawURLEncoding.EncodeToString(b) + "." + strconv.FormatInt(time.Now().Unix(), 36)
	return payload + "." + s.sign(payload)
}

func (s signedTokens) valid(token string) bool {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return false
	}
	payload, sig := token[:i], token[i+1:]
	if !hmac.Equal([]byte(sig), []byte(s.sign(payload))) {
		return false
	}
	j := strings.LastIndexByte(payload, '.')
	issued, err := strconv.ParseInt(payload[j+1:], 36, 64)
	if j < 0 || err != nil {
		return false
	}
	age := time.Since(time.Unix(issued, 0))
	return age >= -time.Minute && age < csrfLifetime
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

const csrfLocal = "csrf"

// csrfProtect refuses a state-changing request to the HTML side whose _csrf
// field does not match a valid token. The JSON API authenticates by bearer
// token, never by cookie, so cross-site requests cannot ride on it.
func (s *Server) csrfProtect() fiber.Handler {
	tokens := signedTokens{key: s.cfg.SecretKey}
	return csrf.New(csrf.Config{
		Next: func(c *fiber.Ctx) bool {
			return isAPI(c) || strings.HasPrefix(c.Path(), "/static/")
		},
		KeyLookup:      "form:_csrf",
		CookieName:     "gotong_csrf",
		CookieSameSite: "Lax",
		CookieHTTPOnly: true,
		CookieSecure:   s.cfg.SecureCookies,
		Expiration:     csrfLifetime,
		KeyGenerator:   tokens.generate,
		Storage:        tokens,
		ContextKey:     csrfLocal,
		ErrorHandler: func(c *fiber.Ctx, _ error) error {
			return apperr.New(apperr.Forbidden, "error_csrf")
		},
	})
}
