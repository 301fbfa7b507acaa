package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/audit"
)

// manage is the staff start page: the areas the user may reach.
func (s *Server) manage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, tplManage, s.page(c, "manage_title", nil))
}

// usersList shows every account with its roles (admin).
func (s *Server) usersList(c *fiber.Ctx) error {
	users, err := s.users.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, tplUsers, s.page(c, "users_title", users))
}

type auditData struct {
	Entries []audit.Entry
	Action  string
}

// auditList shows the newest audit entries, optionally of one action (admin).
func (s *Server) auditList(c *fiber.Ctx) error {
	action := c.Query("action")
	entries, err := audit.List(c.UserContext(), s.db, audit.Filter{Action: action, Limit: 200})
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, tplAuditLog, s.page(c, "audit_title", auditData{Entries: entries, Action: action}))
}
