package request

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/reports"
)

// CheckFacilitators refuses, before anything is written, facilitators who
// are not users holding the facilitator role.
func (s *Kit) CheckFacilitators(c *fiber.Ctx, ids *[]int64) error {
	if ids == nil {
		return nil
	}
	holding, err := s.Users.Holding(c.UserContext(), access.Facilitator, *ids)
	if err != nil {
		return err
	}
	for _, id := range *ids {
		if !holding[id] {
			return apperr.Fields{"facilitator_ids": {ID: "error_facilitator_unknown"}}.Err()
		}
	}
	return nil
}

// ReachableRegistration reads the :id registration, if the user may reach
// its activity; the API and the manage pages both use it.
func (s *Kit) ReachableRegistration(c *fiber.Ctx) (*registration.Placed, error) {
	id, err := PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.Registrations.GetAs(c.UserContext(), Viewer(c), id)
}

// Summary computes the key figures for the current user.
func (s *Kit) Summary(c *fiber.Ctx) (*reports.Summary, error) {
	return s.Reports.Summary(c.UserContext(), Viewer(c))
}

// ReachableActivity reads the :id activity, if the user may reach it (the
// activities store decides: staff every one, a facilitator those they
// lead); the API and the manage pages both use it.
func (s *Kit) ReachableActivity(c *fiber.Ctx) (*activities.Activity, error) {
	id, err := PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.Activities.GetAs(c.UserContext(), Viewer(c), id)
}

// OwnPersonID is the person record of a user, for their account's pages
// and the API's /me: the one linked to the account, else the one with the
// account's email.
func (s *Kit) OwnPersonID(c *fiber.Ctx, u *auth.User) (int64, bool) {
	if u.PersonID != nil {
		return *u.PersonID, true
	}
	id, err := s.People.IDByEmail(c.UserContext(), u.Email)
	return id, err == nil
}

// OwnPath is the path of the user's own person record (OwnPersonID), and
// false, with an empty path, for an account with none.
func (s *Kit) OwnPath(c *fiber.Ctx, u *auth.User) (*path.Path, bool, error) {
	id, ok := s.OwnPersonID(c, u)
	if !ok {
		return &path.Path{}, false, nil
	}
	p, err := s.Path.Of(c.UserContext(), id)
	if errors.Is(err, apperr.ErrNotFound) { // linked to a record erased since
		return &path.Path{}, false, nil
	}
	return p, err == nil, err
}
