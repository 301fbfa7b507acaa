package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/web/request"
)

// identify finds who is asking and in which language.
func (s *Server) identify(c *fiber.Ctx) error {
	user, err := s.requester(c)
	if err != nil {
		return err
	}
	if user != nil {
		c.Locals(request.UserLocal, user)
		c.Locals(request.ViewerLocal, s.Access.Viewer(user.ID, user.Grants()))
	}
	c.Locals(request.LocalizerLocal, s.LocalizerFor(c, user))
	return c.Next()
}

// requester is the signed-in user who sends c, or nil. The HTML side knows
// users by session cookie; the API only by bearer token. The body limit
// hook asks it too, before the body is read.
func (s *Server) requester(c *fiber.Ctx) (*auth.User, error) {
	if request.IsAPI(c) {
		h := c.Get(fiber.HeaderAuthorization)
		if h == "" {
			return nil, nil
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, auth.ErrBadToken
		}
		return s.Users.UserByToken(c.UserContext(), strings.TrimSpace(token))
	}
	if c.Cookies("gotong_session") == "" {
		return nil, nil
	}
	sess, err := s.Sessions.Get(c)
	if err != nil {
		return nil, err
	}
	id, ok := sess.Get("uid").(int64)
	if !ok {
		return nil, nil
	}
	u, err := s.Users.UserByID(c.UserContext(), id)
	if errors.Is(err, apperr.ErrNotFound) { // deleted or disabled since
		_ = sess.Destroy()
		return nil, nil
	}
	return u, err
}

// authorize lets a request through only with permission p. A visitor who is
// not signed in is sent to the login page (HTML) or told 401 (API).
//
// A partner member is an outsider to the section's own objects: on a route
// that names an object (a path with a parameter) and that its role may not
// use, it is told the object does not exist, as it is for another
// organisation's objects on the routes it may use. So from a partner's side
// every object outside its organisation answers 404 on every route.
func (s *Server) authorize(p access.Permission, namesObject bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if s.Can(c, p) {
			return c.Next()
		}
		if request.CurrentUser(c) == nil {
			if !request.IsAPI(c) && c.Method() == fiber.MethodGet {
				return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
			}
			return apperr.New(apperr.Unauthorized, "error_unauthorized")
		}
		if v := request.Viewer(c); namesObject && v.PartnerID != 0 && !v.Staff {
			return apperr.ErrNotFound
		}
		return apperr.New(apperr.Forbidden, "error_forbidden")
	}
}
