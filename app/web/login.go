package web

import (
	"errors"
	"fmt"
	"time"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/mailaddr"
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
		s.loginLimiter(LoginMaxPerAddress, func(c *fiber.Ctx) string { return "login:ip:" + limitAddr(s.client(c)) }, nil),
		s.loginLimiter(LoginMaxPerPair, func(c *fiber.Ctx) string { return auth.LoginPairKey(email(c), limitAddr(s.client(c))) }, nil),
		s.loginLimiter(LoginMaxPerEmail, func(c *fiber.Ctx) string { return auth.LoginLimitKey(email(c)) },
			func(c *fiber.Ctx) bool { return s.KnownDevice(c, email(c)) }),
	}
}

type loginData struct {
	Next string
}

func (s *Server) loginForm(c *fiber.Ctx) error {
	if request.CurrentUser(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	p := s.Page(c, "login_title", loginData{Next: c.Query("next")})
	return s.Render(c, fiber.StatusOK, tplLogin, p)
}

// login checks the credentials, then starts a new session: the session id is
// always rotated at sign-in, so one planted before cannot be reused.
func (s *Server) login(c *fiber.Ctx) error {
	email, password, next := c.FormValue("email"), c.FormValue("password"), c.FormValue("next")
	u, err := s.Users.Authenticate(c.UserContext(), email, password)
	if errors.Is(err, auth.ErrBadCredentials) {
		if err := audit.Record(s.DB, 0, "login.failed", "", "", map[string]any{"ip": s.clientIP(c)}); err != nil {
			return err
		}
		p := s.Page(c, "login_title", loginData{Next: next})
		p.Form = map[string]string{"email": email}
		p.ErrorMsg = p.L.T("error_login_failed")
		return s.Render(c, fiber.StatusUnauthorized, tplLogin, p)
	}
	if err != nil {
		return err
	}
	sess, err := s.Sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Set("uid", u.ID)
	sid := sess.ID() // Save releases the session
	if err := sess.Save(); err != nil {
		return err
	}
	if err := s.bindSession(c, sid, u.ID); err != nil {
		return err
	}
	if err := audit.Record(s.DB, u.ID, "login", "user", fmt.Sprint(u.ID), nil); err != nil {
		return err
	}
	s.RememberDevice(c, u.Email)
	return c.Redirect(safeNext(next), fiber.StatusSeeOther)
}

// logout deletes the session from the store and the cookie.
func (s *Server) logout(c *fiber.Ctx) error {
	sess, err := s.Sessions.Get(c)
	if err != nil {
		return err
	}
	if u := request.CurrentUser(c); u != nil {
		if err := audit.Record(s.DB, u.ID, "logout", "user", fmt.Sprint(u.ID), nil); err != nil {
			return err
		}
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}
