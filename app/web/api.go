package web

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
)

// sendItems answers a list in the API's {"items": […]} shape, each element
// converted by conv.
func sendItems[T, U any](c *fiber.Ctx, list []T, conv func(*T) U) error {
	items := make([]U, len(list))
	for i := range list {
		items[i] = conv(&list[i])
	}
	return c.JSON(fiber.Map{"items": items})
}

// queryNames is the names of the request's query parameters.
func queryNames(c *fiber.Ctx) []string {
	var names []string
	for k := range c.Request().URI().QueryArgs().All() {
		names = append(names, string(k))
	}
	return names
}

// decodeJSON reads a JSON body strictly: a body that is not JSON, has
// unknown fields or trailing data is a 400.
func decodeJSON(c *fiber.Ctx, v any) error {
	if ct := c.Get(fiber.HeaderContentType); ct != "" && !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return apperr.New(apperr.Malformed, "error_json_content_type")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.New(apperr.Malformed, "error_json_malformed")
	}
	if dec.More() {
		return apperr.New(apperr.Malformed, "error_json_malformed")
	}
	return nil
}

type apiRole struct {
	Role  string `json:"role"`
	Scope string `json:"scope"`
}

type apiUser struct {
	ID          int64     `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name"`
	Locale      string    `json:"locale"`
	PartnerID   *int64    `json:"partner_id"`
	Disabled    bool      `json:"disabled"`
	Roles       []apiRole `json:"roles"`
	CreatedAt   time.Time `json:"created_at"`
}

func toAPIUser(u *auth.User) apiUser {
	a := apiUser{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Locale: u.Locale,
		PartnerID: u.PartnerID, Disabled: u.DisabledAt != nil, Roles: []apiRole{}, CreatedAt: u.CreatedAt}
	for _, r := range u.Roles {
		a.Roles = append(a.Roles, apiRole{Role: r.Role, Scope: r.Scope})
	}
	return a
}

// apiMe returns the token's user.
func (s *Server) apiMe(c *fiber.Ctx) error {
	return c.JSON(toAPIUser(currentUser(c)))
}

type meUpdate struct {
	DisplayName *string `json:"display_name"`
	Locale      *string `json:"locale"`
}

// apiMeUpdate changes the token user's name or preferred language.
func (s *Server) apiMeUpdate(c *fiber.Ctx) error {
	u := currentUser(c)
	var in meUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	name, locale := u.DisplayName, u.Locale
	if in.DisplayName != nil {
		name = *in.DisplayName
	}
	if in.Locale != nil {
		locale = *in.Locale
	}
	if err := s.users.UpdateProfile(c.UserContext(), u.ID, name, locale); err != nil {
		return err
	}
	updated, err := s.users.UserByID(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(toAPIUser(updated))
}

// apiUsers lists every account (admin).
func (s *Server) apiUsers(c *fiber.Ctx) error {
	users, err := s.users.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	return sendItems(c, users, toAPIUser)
}
