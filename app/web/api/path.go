package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/web/request"
)

// PathEntry is one activity of a person's path as API.md shows it.
type PathEntry struct {
	ActivityID int64   `json:"activity_id"`
	Title      string  `json:"title"` // in the request's language; a discreet activity's too, the path being the person's and the staff's
	Kind       string  `json:"kind"`
	EndedOn    string  `json:"ended_on"` // YYYY-MM-DD, where it happened
	Hours      float64 `json:"hours"`    // to the quarter hour
	// Certificate is the code of the attendee's certificate, null while
	// there is none.
	Certificate *string `json:"certificate"`
}

// Path is what a young person went through, as API.md shows it.
type Path struct {
	Activities []PathEntry `json:"activities"`
	Hours      float64     `json:"hours"`   // the activities' hours added up
	Surveys    int         `json:"surveys"` // surveys answered
}

// toAPIPath is p for a reader of the request's language.
func (s *Handlers) toAPIPath(c *fiber.Ctx, p *path.Path) Path {
	lang, def := s.Localizer(c).Lang, s.Catalog.Default()
	out := Path{Activities: make([]PathEntry, 0, len(p.Entries)), Hours: p.Hours(), Surveys: p.Surveys}
	for _, e := range p.Entries {
		out.Activities = append(out.Activities, PathEntry{ActivityID: e.Activity.ID, Title: e.Activity.TextIn(lang, def).Title,
			Kind: e.Activity.Kind, EndedOn: e.EndedOn.String(), Hours: activities.Hours(e.Minutes), Certificate: e.Certificate})
	}
	return out
}

// PersonPathGet answers GET /api/v1/people/{id}/path (staff who read
// people); an unknown person is a 404.
func (s *Handlers) PersonPathGet(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.Path.Of(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(s.toAPIPath(c, p))
}

// MyPath answers GET /api/v1/me/path: the token user's own path, empty for
// an account with no person record.
func (s *Handlers) MyPath(c *fiber.Ctx) error {
	p, _, err := s.OwnPath(c, request.CurrentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(s.toAPIPath(c, p))
}
