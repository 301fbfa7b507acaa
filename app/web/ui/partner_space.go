package ui

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/web/request"
)

// A partner member's own space: its organisation, the campaigns it takes
// part in and the activities it co-hosts. It shows counts of registrations,
// never who registered.
const (
	PartnerHomePath    = "/partner"
	PartnerProfilePath = "/partner/profile"
)

// memberOrganisation is the current partner member's organisation; anyone
// else has none here.
func (s *Handlers) memberOrganisation(c *fiber.Ctx) (*partners.Partner, error) {
	v := request.Viewer(c)
	if v.PartnerID == 0 {
		return nil, apperr.ErrNotFound
	}
	return s.Partners.Get(c.UserContext(), v, v.PartnerID)
}

type memberCampaign struct {
	ID        int64
	Title     string
	Stage     string
	OurStages string
}

type memberActivity struct {
	ID         int64
	Title      string
	Slug       string
	Public     bool // its public page exists
	Status     string
	StartsAt   string
	Capacity   int
	Confirmed  int
	Waitlisted int
}

type partnerHomeData struct {
	O           *partners.Partner
	Kind        string
	Region      string
	Description string
	Saved       bool
	Campaigns   []memberCampaign
	Activities  []memberActivity
}

// PartnerHome is a partner member's home page.
func (s *Handlers) PartnerHome(c *fiber.Ctx) error {
	o, err := s.memberOrganisation(c)
	if err != nil {
		return err
	}
	ctx, v := c.UserContext(), request.Viewer(c)
	p := s.Page(c, "nav_partner_space", nil)
	def := s.Catalog.Default()
	data := partnerHomeData{O: o, Kind: p.L.T(partnerKindLabels[o.Kind]), Region: regionLabel(p, o.Region),
		Description: o.DescriptionIn(p.L.Lang), Saved: c.Query("saved") == "1"}
	p.Title = o.Name

	involved, err := s.Campaigns.ForPartner(ctx, v, o.ID)
	if err != nil {
		return err
	}
	for _, pc := range involved {
		data.Campaigns = append(data.Campaigns, memberCampaign{ID: pc.Campaign.ID,
			Title: pc.Campaign.TextIn(p.L.Lang, def).Title, Stage: p.L.T(stageLabels[pc.Campaign.Stage]),
			OurStages: stageNames(p.L, pc.Stages)})
	}

	ids, err := s.Partners.CoHosted(ctx, v, o.ID)
	if err != nil {
		return err
	}
	hosted, err := s.Activities.List(ctx, activities.Filter{IDs: ids})
	if err != nil {
		return err
	}
	tallies, err := s.Registrations.Tallies(ctx, v, ids)
	if err != nil {
		return err
	}
	for i := range hosted {
		a := &hosted[i]
		t := tallies[a.ID]
		data.Activities = append(data.Activities, memberActivity{ID: a.ID, Title: a.TextIn(p.L.Lang, def).Title, Slug: a.Slug,
			Public: a.Status != activities.StatusDraft, Status: p.L.T(statusLabels[a.Status]), StartsAt: a.When(p.L, a.StartsAt),
			Capacity: a.Capacity, Confirmed: t.Confirmed, Waitlisted: t.Waitlisted})
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplPartnerHome, p)
}

// PartnerProfileForm shows the member's organisation profile as a form.
func (s *Handlers) PartnerProfileForm(c *fiber.Ctx) error {
	o, err := s.memberOrganisation(c)
	if err != nil {
		return err
	}
	return s.partnerFormPage(c, fiber.StatusOK, o, true, partnerFormOf(o), nil)
}

// PartnerProfileSave saves the member's organisation profile.
func (s *Handlers) PartnerProfileSave(c *fiber.Ctx) error {
	o, err := s.memberOrganisation(c)
	if err != nil {
		return err
	}
	return s.savePartnerForm(c, o, true, func(in partners.Input) (*partners.Partner, error) {
		return s.Partners.Update(c.UserContext(), request.Viewer(c), o.ID, in)
	})
}
