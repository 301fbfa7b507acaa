package web

import "github.com/gofiber/fiber/v2"

// home is the public start page.
func (s *Server) home(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, tplHome, s.page(c, "home_title", nil))
}
