package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/request"
)

// marksBody is a paper roster entered at once: the registrations of those
// who came and of those who did not. Anyone in neither is left as is.
type marksBody struct {
	Attended []int64 `json:"attended"`
	Absent   []int64 `json:"absent"`
}

// ActivityAttendance enters a paper roster (POST
// /api/v1/activities/{id}/attendance): every mark is written, or none
// (registration.MarkRoster). The answer is {"items": [Registration…]},
// the registrations named, by id.
func (s *Handlers) ActivityAttendance(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	var body marksBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	done, err := s.Registrations.MarkRoster(c.UserContext(), request.Viewer(c), a.ID,
		registration.Marks{Attended: body.Attended, Absent: body.Absent})
	if err != nil {
		return err
	}
	return sendItems(c, done, toAPIRegistration)
}
