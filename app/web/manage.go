package web

import (
	"github.com/gofiber/fiber/v2"
)

// manage is the staff start page: the areas the user may reach.
func (s *Server) manage(c *fiber.Ctx) error {
	return s.Render(c, fiber.StatusOK, tplManage, s.Page(c, "manage_title", nil))
}

// usersList shows every account with its roles (admin).
func (s *Server) usersList(c *fiber.Ctx) error {
	users, err := s.Users.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	return s.Render(c, fiber.StatusOK, tplUsers, s.Page(c, "users_title", users))
}
