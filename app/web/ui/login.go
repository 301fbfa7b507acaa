package ui

import (
	"errors"
	"fmt"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/auth"
)

type loginData struct {
	Next string
}

func (s *Handlers) LoginForm(c *fiber.Ctx) error {
	if u := request.CurrentUser(c); u != nil {
		return c.Redirect(landing(c.Query("next"), s.Access.Allowed(u.Grants(), access.ManageRead)), fiber.StatusSeeOther)
	}
	p := s.Page(c, "login_title", loginData{Next: c.Query("next")})
	return s.Render(c, fiber.StatusOK, tplLogin, p)
}

// Login checks the credentials, then starts a new session: the session id is
// always rotated at sign-in, so one planted before cannot be reused.
func (s *Handlers) Login(c *fiber.Ctx) error {
	email, password, next := c.FormValue("email"), c.FormValue("password"), c.FormValue("next")
	u, err := s.Users.Authenticate(c.UserContext(), email, password)
	if errors.Is(err, auth.ErrBadCredentials) {
		if err := s.Audit.Record(c.UserContext(), 0, "login.failed", "", "", map[string]any{"ip": s.ClientIP(c)}); err != nil {
			return err
		}
		p := s.Page(c, "login_title", loginData{Next: next})
		p.Form = map[string]string{"email": email}
		p.Errors = map[string]string{"_form": p.L.T("error_login_failed")}
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
	if err := s.Users.BindSession(c.UserContext(), sid, u.ID); err != nil {
		return err
	}
	if err := s.Audit.Record(c.UserContext(), u.ID, "login", "user", fmt.Sprint(u.ID), nil); err != nil {
		return err
	}
	s.RememberDevice(c, u.Email)
	return c.Redirect(landing(next, s.Access.Allowed(u.Grants(), access.ManageRead)), fiber.StatusSeeOther)
}

// Logout deletes the session from the store and the cookie.
func (s *Handlers) Logout(c *fiber.Ctx) error {
	sess, err := s.Sessions.Get(c)
	if err != nil {
		return err
	}
	if u := request.CurrentUser(c); u != nil {
		if err := s.Audit.Record(c.UserContext(), u.ID, "logout", "user", fmt.Sprint(u.ID), nil); err != nil {
			return err
		}
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}
