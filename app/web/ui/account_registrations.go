package ui

import (
	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/registration"
)

// myRegistration is one of the signed-in person's registrations as /account shows it.
type myRegistration struct {
	Reg       registration.Placed
	Title     string
	Slug      string
	StartsAt  string
	OnlineURL string
	Guardian  bool // held until a guardian agrees
}

// myRegistrations lists the live registrations of the signed-in user.
func (s *Handlers) myRegistrations(c *fiber.Ctx, p *request.Page) ([]myRegistration, error) {
	personID, ok := s.OwnPersonID(c, p.User)
	if !ok {
		return nil, nil
	}
	regs, err := s.Registrations.ForPerson(c.UserContext(), personID)
	if err != nil {
		return nil, err
	}
	out := make([]myRegistration, 0, len(regs))
	for _, r := range regs {
		a, err := s.Activities.Get(c.UserContext(), r.ActivityID)
		if err != nil {
			return nil, err
		}
		m := myRegistration{Reg: r, Title: a.TextIn(p.L.Lang, s.Catalog.Default()).Title, Slug: a.Slug, StartsAt: a.When(p.L, a.StartsAt),
			Guardian: r.Guardian == registration.GuardianPending}
		if held(&r) {
			m.OnlineURL = a.OnlineURL // only a confirmed participant sees the link, once any guardian agreed
		}
		out = append(out, m)
	}
	return out, nil
}

// CancelMyRegistration cancels one of the user's own registrations; anyone
// else's answers 404, so ids do not leak.
func (s *Handlers) CancelMyRegistration(c *fiber.Ctx) error {
	r, err := s.myRegistration(c)
	if err != nil {
		return err
	}
	if _, err := s.Registrations.Cancel(c.UserContext(), r.ID); err != nil {
		return err
	}
	return c.Redirect("/account?cancelled=1", fiber.StatusSeeOther)
}
