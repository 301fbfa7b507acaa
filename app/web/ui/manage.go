package ui

import (
	"github.com/gofiber/fiber/v2"
)

// Manage is the staff start page: the areas the user may reach.
func (s *Handlers) Manage(c *fiber.Ctx) error {
	return s.Render(c, fiber.StatusOK, tplManage, s.Page(c, "manage_title", nil))
}

// UsersList shows every account with its roles (admin).
func (s *Handlers) UsersList(c *fiber.Ctx) error {
	users, err := s.Users.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	return s.Render(c, fiber.StatusOK, tplUsers, s.Page(c, "users_title", users))
}
