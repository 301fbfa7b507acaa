package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/web/request"
)

// Login limits: failed attempts per LoginWindow (successful sign-ins do
// not count).
//
// Per client address, one address spraying many accounts. Per email and
// address together, guesses at one account from one place: they lock only
// that place, never the owner at theirs. Per email from all addresses, a
// ceiling that slows a guess spread over many addresses: ten addresses'
// worth of the per-pair limit, so honest typos from a phone, a laptop and
// an office stay far below it, while a botnet gets at most 200 guesses an
// hour at one account. A sign-in that presents the account's device
// cookie (device.go) is not counted against the ceiling, so the ceiling
// cannot lock the owner out either.
const (
	LoginWindow        = 15 * time.Minute
	LoginMaxPerAddress = 20
	LoginMaxPerPair    = 5
	LoginMaxPerEmail   = 50
)

// loginLimiter counts failed sign-ins under key, unless skip says not to.
func (s *Server) loginLimiter(max int, key func(c *fiber.Ctx) string, skip func(c *fiber.Ctx) bool) fiber.Handler {
	return limiter.New(limiter.Config{
		Next:                   skip,
		Max:                    max,
		Expiration:             LoginWindow,
		KeyGenerator:           key,
		SkipSuccessfulRequests: true,
		Storage:                s.limits,
		LimitReached: func(c *fiber.Ctx) error {
			return fiber.ErrTooManyRequests
		},
	})
}

// loginLimits are the three limits of the login form, in the order they
// count.
func (s *Server) loginLimits() []fiber.Handler {
	email := func(c *fiber.Ctx) string { return mailaddr.Normalize(c.FormValue("email")) }
	return []fiber.Handler{
		s.loginLimiter(LoginMaxPerAddress, func(c *fiber.Ctx) string { return "login:ip:" + request.LimitAddr(s.Client(c)) }, nil),
		s.loginLimiter(LoginMaxPerPair, func(c *fiber.Ctx) string { return auth.LoginPairKey(email(c), request.LimitAddr(s.Client(c))) }, nil),
		s.loginLimiter(LoginMaxPerEmail, func(c *fiber.Ctx) string { return auth.LoginLimitKey(email(c)) },
			func(c *fiber.Ctx) bool { return s.KnownDevice(c, email(c)) }),
	}
}
