package ui

import "github.com/gofiber/fiber/v2"

// Home is the public start page.
// After an erasure (?erased=1) it says that the data is gone.
func (s *Handlers) Home(c *fiber.Ctx) error {
	p := s.Page(c, "home_title", nil)
	if c.Query("erased") == "1" {
		p.Flash = p.L.T("rights_erased_done")
	}
	return s.Render(c, fiber.StatusOK, tplHome, p)
}
