// Package api holds the JSON API's handlers under /api/v1 and their
// request and response types, a file per area. The server's route table
// (package web) names each handler with its permission.
package api

import (
	"time"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/auth"
)

// Handlers are the API's handlers over the shared kit.
type Handlers struct{ *request.Kit }

// New returns the API's handlers over k.
func New(k *request.Kit) *Handlers { return &Handlers{Kit: k} }

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

// Me returns the token's user.
func (s *Handlers) Me(c *fiber.Ctx) error {
	return c.JSON(toAPIUser(request.CurrentUser(c)))
}

type meUpdate struct {
	DisplayName *string `json:"display_name"`
	Locale      *string `json:"locale"`
}

// MeUpdate changes the token user's name or preferred language.
func (s *Handlers) MeUpdate(c *fiber.Ctx) error {
	u := request.CurrentUser(c)
	var in meUpdate
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	name, locale := u.DisplayName, u.Locale
	if in.DisplayName != nil {
		name = *in.DisplayName
	}
	if in.Locale != nil {
		locale = *in.Locale
	}
	if err := s.Users.UpdateProfile(c.UserContext(), u.ID, name, locale); err != nil {
		return err
	}
	updated, err := s.Users.UserByID(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(toAPIUser(updated))
}

// ListUsers lists every account (admin).
func (s *Handlers) ListUsers(c *fiber.Ctx) error {
	users, err := s.Users.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	return sendItems(c, users, toAPIUser)
}
