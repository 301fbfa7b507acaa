package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/path"
)

// apiCertificate is what a valid certificate's code confirms.
type apiCertificate struct {
	Valid    bool       `json:"valid"`
	Name     string     `json:"name"`
	Activity string     `json:"activity"` // neutral for a discreet activity, unless its participant chose the full title
	EndedOn  civil.Date `json:"ended_on"` // in the activity's zone
	Hours    float64    `json:"hours"`
}

// Certificate is GET /api/v1/certificates/{code}, public: what a
// certificate confirms, in the request's language; a code that no valid
// certificate has is 404, whether made up, mistyped or erased.
func (s *Handlers) Certificate(c *fiber.Ctx) error {
	v, err := s.Certificates.Verify(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	l := s.Localizer(c)
	return c.JSON(apiCertificate{Valid: true, Name: v.Name,
		Activity: path.Title(v.Activity, v.FullTitle, l.Lang, s.Catalog.Default(), l.T("certificate_neutral_title")),
		EndedOn:  v.EndedOn, Hours: activities.Hours(v.Minutes)})
}
