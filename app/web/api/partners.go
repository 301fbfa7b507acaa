package api

import (
	"reflect"
	"strings"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/partners"
)

// Partner is a Partner as API.md shows it.
type Partner struct {
	ID           int64             `json:"id"`
	Name         string            `json:"name"`
	Kind         string            `json:"kind"`
	Region       string            `json:"region"`
	ContactEmail string            `json:"contact_email"`
	Website      string            `json:"website"`
	Description  map[string]string `json:"description"`
	Partnership  apiPartnership    `json:"partnership"`
}

// apiPartnership is a partnership with its history. Notes are the staff's
// own: they are left out for a partner member.
type apiPartnership struct {
	Status      string                 `json:"status"`
	StartedOn   civil.Date             `json:"started_on"`
	SharedGoals string                 `json:"shared_goals"`
	Notes       *string                `json:"notes,omitempty"`
	History     []apiPartnershipChange `json:"history"`
}

type apiPartnershipChange struct {
	Status    string     `json:"status"`
	ChangedOn civil.Date `json:"changed_on"`
}

// toAPIPartner converts an organisation for a viewer; only staff get the notes.
func toAPIPartner(p *partners.Partner, staff bool) Partner {
	out := Partner{ID: p.ID, Name: p.Name, Kind: p.Kind, Region: p.Region, ContactEmail: p.ContactEmail,
		Website: p.Website, Description: map[string]string{},
		Partnership: apiPartnership{Status: p.Partnership.Status, StartedOn: p.Partnership.StartedOn,
			SharedGoals: p.Partnership.SharedGoals, History: []apiPartnershipChange{}}}
	for _, d := range p.Descriptions {
		out.Description[d.Locale] = d.Description
	}
	if staff {
		notes := p.Partnership.Notes
		out.Partnership.Notes = &notes
	}
	for _, h := range p.History {
		out.Partnership.History = append(out.Partnership.History, apiPartnershipChange{Status: h.Status, ChangedOn: h.ChangedOn})
	}
	return out
}

// partnerBody is a Partner as a client sends it. Pointers tell a field left
// out (kept as it is) from one given. The id and the partnership are the
// portal's: they may only be repeated as they are, so that a GET body can
// be sent back; the partnership changes through its own endpoint.
type partnerBody struct {
	ID           *int64            `json:"id"`
	Name         *string           `json:"name"`
	Kind         *string           `json:"kind"`
	Region       *string           `json:"region"`
	ContactEmail *string           `json:"contact_email"`
	Website      *string           `json:"website"`
	Description  map[string]string `json:"description"`
	Partnership  *apiPartnership   `json:"partnership"`
}

// input checks the portal's fields against the organisation as the viewer
// sees it (nil for a new one) and maps the rest to the store's input.
func (b *partnerBody) input(current *Partner) (partners.Input, error) {
	f := apperr.Fields{}
	var id int64
	var ps *apiPartnership
	if current != nil {
		id, ps = current.ID, &current.Partnership
	}
	if b.ID != nil && *b.ID != id {
		f.Add("id", "error_read_only")
	}
	if b.Partnership != nil && (ps == nil || !reflect.DeepEqual(*b.Partnership, *ps)) {
		f.Add("partnership", "error_partnership_read_only")
	}
	if err := f.Err(); err != nil {
		return partners.Input{}, err
	}
	return partners.Input{Name: b.Name, Kind: b.Kind, Region: b.Region, ContactEmail: b.ContactEmail,
		Website: b.Website, Description: b.Description}, nil
}

// ListPartners lists the organisations the user reaches (a partner member:
// its own); ?kind=, ?region= and ?status= filter, and an unknown filter or
// value is refused rather than ignored.
func (s *Handlers) ListPartners(c *fiber.Ctx) error {
	f := apperr.Fields{}
	f.RefuseUnknown(queryNames(c), "kind", "region", "status", "lang")
	if err := f.Err(); err != nil {
		return err
	}
	v := request.Viewer(c)
	list, err := s.Partners.List(c.UserContext(), v,
		partners.Filter{Kind: c.Query("kind"), Region: c.Query("region"), Status: c.Query("status")})
	if err != nil {
		return err
	}
	return sendItems(c, list, func(p *partners.Partner) Partner { return toAPIPartner(p, v.Staff) })
}

// PartnerCreate stores a new organisation, its partnership prospective.
func (s *Handlers) PartnerCreate(c *fiber.Ctx) error {
	var body partnerBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input(nil)
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	p, err := s.Partners.Create(c.UserContext(), v, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIPartner(p, v.Staff))
}

// Partner returns one organisation, if the user reaches it.
func (s *Handlers) Partner(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	p, err := s.Partners.Get(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	return c.JSON(toAPIPartner(p, v.Staff))
}

// PartnerUpdate changes the fields given; a partner member may edit its
// own profile but not its kind.
func (s *Handlers) PartnerUpdate(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	// Another organisation is not found whatever the body says.
	p, err := s.Partners.Get(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	var body partnerBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	current := toAPIPartner(p, v.Staff)
	in, err := body.input(&current)
	if err != nil {
		return err
	}
	if p, err = s.Partners.Update(c.UserContext(), v, id, in); err != nil {
		return err
	}
	return c.JSON(toAPIPartner(p, v.Staff))
}

// partnershipBody changes a partnership.
type partnershipBody struct {
	Status      string  `json:"status"`
	ChangedOn   *string `json:"changed_on"`
	SharedGoals *string `json:"shared_goals"`
	Notes       *string `json:"notes"`
}

// input reads the date here, so that a wrong one is a field to correct
// rather than an unreadable body.
func (b *partnershipBody) input() (partners.PartnershipInput, error) {
	in := partners.PartnershipInput{Status: strings.TrimSpace(b.Status), SharedGoals: b.SharedGoals, Notes: b.Notes}
	if b.ChangedOn != nil && strings.TrimSpace(*b.ChangedOn) != "" {
		d, err := civil.Parse(strings.TrimSpace(*b.ChangedOn))
		if err != nil {
			return in, apperr.Fields{"changed_on": {ID: "error_date"}}.Err()
		}
		in.ChangedOn = d
	}
	return in, nil
}

// PartnershipSet changes a partnership's status, goals or notes (staff)
// and returns the organisation.
func (s *Handlers) PartnershipSet(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	if _, err := s.Partners.Get(c.UserContext(), v, id); err != nil {
		return err
	}
	var body partnershipBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input()
	if err != nil {
		return err
	}
	p, err := s.Partners.SetPartnership(c.UserContext(), v, id, in)
	if err != nil {
		return err
	}
	return c.JSON(toAPIPartner(p, v.Staff))
}

type apiYearCount struct {
	Year  int `json:"year"`
	Count int `json:"count"`
}

type apiKindCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

type RegionCount struct {
	Region string `json:"region"`
	Count  int    `json:"count"`
}

type apiStatusCount struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
}

// apiPartnerFigures are the key figures of the partnerships.
type apiPartnerFigures struct {
	EstablishedPerYear  []apiYearCount   `json:"established_per_year"`
	StrengthenedPerYear []apiYearCount   `json:"strengthened_per_year"`
	ByKind              []apiKindCount   `json:"by_kind"`
	ByRegion            []RegionCount    `json:"by_region"`
	ByStatus            []apiStatusCount `json:"by_status"`
}

func yearCounts(in []partners.YearCount) []apiYearCount {
	out := make([]apiYearCount, len(in))
	for i, y := range in {
		out[i] = apiYearCount{Year: y.Year, Count: y.Count}
	}
	return out
}

// PartnerReport returns the partnerships established and strengthened
// per year, and the organisations by kind, region and status.
func (s *Handlers) PartnerReport(c *fiber.Ctx) error {
	fig, err := s.Partners.KeyFigures(c.UserContext(), request.Viewer(c))
	if err != nil {
		return err
	}
	return c.JSON(toAPIPartnerFigures(fig))
}

func toAPIPartnerFigures(fig *partners.Figures) apiPartnerFigures {
	out := apiPartnerFigures{EstablishedPerYear: yearCounts(fig.EstablishedPerYear),
		StrengthenedPerYear: yearCounts(fig.StrengthenedPerYear), ByKind: make([]apiKindCount, len(fig.ByKind)),
		ByRegion: make([]RegionCount, len(fig.ByRegion)), ByStatus: make([]apiStatusCount, len(fig.ByStatus))}
	for i, k := range fig.ByKind {
		out.ByKind[i] = apiKindCount{Kind: k.Value, Count: k.Count}
	}
	for i, r := range fig.ByRegion {
		out.ByRegion[i] = RegionCount{Region: r.Value, Count: r.Count}
	}
	for i, st := range fig.ByStatus {
		out.ByStatus[i] = apiStatusCount{Status: st.Value, Count: st.Count}
	}
	return out
}
