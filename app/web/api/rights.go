package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/web/request"
)

// PersonData is GET /api/v1/people/{id}/data: everything held about a
// person (people:admin), audited.
func (s *Handlers) PersonData(c *fiber.Ctx) error {
	id, err := request.PersonParam(c)
	if err != nil {
		return err
	}
	x, err := s.Rights.ExportAudited(c.UserContext(), request.ActorID(c), id)
	if err != nil {
		return err
	}
	return request.SendExport(c, x, false, "")
}

// PersonErase is DELETE /api/v1/people/{id}: the person is erased, 204.
func (s *Handlers) PersonErase(c *fiber.Ctx) error {
	id, err := request.PersonParam(c)
	if err != nil {
		return err
	}
	if _, err := s.Rights.Erase(c.UserContext(), request.ActorID(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// MyData is GET /api/v1/me/data: everything held about the token's user.
func (s *Handlers) MyData(c *fiber.Ctx) error {
	x, err := s.Rights.ExportUser(c.UserContext(), request.CurrentUser(c).ID)
	if err != nil {
		return err
	}
	return request.SendExport(c, x, false, "")
}

// EraseMe is DELETE /api/v1/me: the token's user erases their data and
// account (its tokens go with it), 204.
func (s *Handlers) EraseMe(c *fiber.Ctx) error {
	if _, err := s.Rights.EraseUser(c.UserContext(), request.CurrentUser(c).ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
