package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/civil"
)

// Campaign is a Campaign as API.md shows it.
type Campaign struct {
	ID       int64             `json:"id"`
	Title    map[string]string `json:"title"`
	Summary  map[string]string `json:"summary"`
	Tags     []string          `json:"tags"`
	Stage    string            `json:"stage"`
	StartsOn civil.Date        `json:"starts_on"`
	EndsOn   civil.Date        `json:"ends_on"`
	LeadID   *int64            `json:"lead_id"`
	Partners []Involvement     `json:"partners"`
	Letters  LetterTotals      `json:"letters"`
	// Its petitions, and their signatures together.
	Petitions  []Petition `json:"petitions"`
	Signatures int        `json:"signatures"`
}

type Involvement struct {
	PartnerID int64    `json:"partner_id"`
	Stages    []string `json:"stages"`
}

type LetterTotals struct {
	Written   int64 `json:"written"`
	Delivered int64 `json:"delivered"`
}

func toAPICampaign(c *campaigns.Campaign) Campaign {
	out := Campaign{ID: c.ID, Title: map[string]string{}, Summary: map[string]string{}, Tags: c.Tags, Stage: c.Stage,
		StartsOn: c.StartsOn, EndsOn: c.EndsOn, LeadID: c.LeadID, Partners: []Involvement{},
		Letters: LetterTotals{Written: c.Letters.Written, Delivered: c.Letters.Delivered}}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	for _, t := range c.Translations {
		if t.Title != "" {
			out.Title[t.Locale] = t.Title
		}
		if t.Summary != "" {
			out.Summary[t.Locale] = t.Summary
		}
	}
	for _, p := range c.Partners {
		out.Partners = append(out.Partners, Involvement{PartnerID: p.PartnerID, Stages: p.Stages})
	}
	return out
}

// optionalDate tells a date left out (kept as it is) from one given, where
// null empties it. A string that is not a date is kept as bad, so that it
// is a field error rather than an unreadable body.
type optionalDate struct {
	set, bad bool
	date     civil.Date
}

func (o *optionalDate) UnmarshalJSON(b []byte) error {
	o.set = true
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	d, err := civil.Parse(s)
	o.date, o.bad = d, err != nil
	return nil
}

// check adds a field error for a bad date and returns the date given, or
// nil when it was left out.
func (o optionalDate) check(f apperr.Fields, field string) *civil.Date {
	if o.bad {
		f.Add(field, "error_campaign_date")
	}
	if !o.set || o.bad {
		return nil
	}
	d := o.date
	return &d
}

// campaignBody is a Campaign as a client sends it; id and letters are the
// portal's and may only be repeated as they are, so a GET body can be sent
// back.
type campaignBody struct {
	ID       *int64            `json:"id"`
	Title    map[string]string `json:"title"`
	Summary  map[string]string `json:"summary"`
	Tags     *[]string         `json:"tags"`
	Stage    *string           `json:"stage"`
	StartsOn optionalDate      `json:"starts_on"`
	EndsOn   optionalDate      `json:"ends_on"`
	LeadID   *int64            `json:"lead_id"`
	Partners *[]Involvement    `json:"partners"`
	Letters  *LetterTotals     `json:"letters"`
	// Petitions are written through their own routes and signatures by the
	// public; a body may carry them, as a GET gave them, and they are ignored.
	Petitions  json.RawMessage `json:"petitions"`
	Signatures json.RawMessage `json:"signatures"`
}

// input checks the portal's fields against the campaign as it is (id 0 and
// no letters for a new one) and maps the rest to the store's input.
func (b *campaignBody) input(id int64, letters campaigns.LetterTotals) (campaigns.Input, error) {
	f := apperr.Fields{}
	if b.ID != nil && *b.ID != id {
		f.Add("id", "error_read_only")
	}
	if b.Letters != nil && (b.Letters.Written != letters.Written || b.Letters.Delivered != letters.Delivered) {
		f.Add("letters", "error_read_only")
	}
	in := campaigns.Input{Title: b.Title, Summary: b.Summary, Tags: b.Tags, Stage: b.Stage, LeadID: b.LeadID,
		StartsOn: b.StartsOn.check(f, "starts_on"), EndsOn: b.EndsOn.check(f, "ends_on")}
	if b.Partners != nil {
		list := make([]campaigns.Involvement, len(*b.Partners))
		for i, p := range *b.Partners {
			list[i] = campaigns.Involvement{PartnerID: p.PartnerID, Stages: p.Stages}
		}
		in.Partners = &list
	}
	if err := f.Err(); err != nil {
		// The store's own checks of a new campaign still speak for the
		// other fields (a change is checked against the stored campaign).
		var cerr *apperr.Error
		if id == 0 && errors.As(campaigns.Check(in), &cerr) {
			for k, m := range cerr.Fields {
				f.Add(k, m.ID, m.Args...)
			}
		}
		return in, f.Err()
	}
	return in, nil
}

// ListCampaigns lists the campaigns the user reaches.
func (s *Handlers) ListCampaigns(c *fiber.Ctx) error {
	list, err := s.Campaigns.List(c.UserContext(), request.Viewer(c))
	if err != nil {
		return err
	}
	out, err := s.campaignsJSON(c.UserContext(), request.Viewer(c), list...)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": out})
}

// campaignsJSON is campaigns as the API shows them, with their petitions and
// signatures, read for all of them at once.
func (s *Handlers) campaignsJSON(ctx context.Context, v access.Viewer, list ...campaigns.Campaign) ([]Campaign, error) {
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	pets, err := s.Petitions.ForCampaigns(ctx, v, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Campaign, len(list))
	for i := range list {
		out[i] = toAPICampaign(&list[i])
		out[i].Petitions = []Petition{}
		for j := range pets[list[i].ID] {
			p := &pets[list[i].ID][j]
			out[i].Petitions = append(out[i].Petitions, toAPIPetition(p))
			out[i].Signatures += p.Signatures
		}
	}
	return out, nil
}

// sendCampaign answers with one campaign.
func (s *Handlers) sendCampaign(c *fiber.Ctx, status int, camp *campaigns.Campaign) error {
	out, err := s.campaignsJSON(c.UserContext(), request.Viewer(c), *camp)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(out[0])
}

// CampaignCreate stores a new campaign.
func (s *Handlers) CampaignCreate(c *fiber.Ctx) error {
	var body campaignBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input(0, campaigns.LetterTotals{})
	if err != nil {
		return err
	}
	camp, err := s.Campaigns.Create(c.UserContext(), request.Viewer(c), in)
	if err != nil {
		return err
	}
	return s.sendCampaign(c, fiber.StatusCreated, camp)
}

// Campaign returns one campaign.
func (s *Handlers) Campaign(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	camp, err := s.Campaigns.Get(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	return s.sendCampaign(c, fiber.StatusOK, camp)
}

// CampaignUpdate changes the fields given. A stage given must be the
// current one or the next; any other is a 409 and changes nothing.
func (s *Handlers) CampaignUpdate(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	current, err := s.Campaigns.Get(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	var body campaignBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input(id, current.Letters)
	if err != nil {
		return err
	}
	camp, err := s.Campaigns.Update(c.UserContext(), v, id, in)
	if err != nil {
		return err
	}
	return s.sendCampaign(c, fiber.StatusOK, camp)
}

// CampaignAdvance moves a campaign to its next stage.
func (s *Handlers) CampaignAdvance(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	camp, err := s.Campaigns.Advance(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	return s.sendCampaign(c, fiber.StatusOK, camp)
}

type involvementBody struct {
	Stages *[]string `json:"stages"`
}

// CampaignInvolvement replaces the stages a partner takes part in; an
// empty list removes the partner.
func (s *Handlers) CampaignInvolvement(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	partnerID, err := request.PathID(c, "partner_id")
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	if err := s.Campaigns.Visible(c.UserContext(), v, id); err != nil {
		return err
	}
	var body involvementBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	if body.Stages == nil {
		return apperr.Fields{"stages": {ID: "error_required"}}.Err()
	}
	camp, err := s.Campaigns.SetInvolvement(c.UserContext(), v, id, partnerID, *body.Stages)
	if err != nil {
		return err
	}
	return s.sendCampaign(c, fiber.StatusOK, camp)
}

// apiPersonRef names who wrote a note or ticked an item, and their
// organisation when they belong to one.
type apiPersonRef struct {
	UserID      *int64  `json:"user_id"`
	Name        string  `json:"name"`
	PartnerID   *int64  `json:"partner_id"`
	PartnerName *string `json:"partner_name"`
}

func personRef(userID *int64, name string, partnerID *int64, partnerName string) apiPersonRef {
	r := apiPersonRef{UserID: userID, Name: name, PartnerID: partnerID}
	if partnerID != nil {
		r.PartnerName = &partnerName
	}
	return r
}

// Note is a Note as API.md shows it.
type Note struct {
	ID        int64        `json:"id"`
	Stage     string       `json:"stage"`
	Text      string       `json:"text"`
	Author    apiPersonRef `json:"author"`
	CreatedAt time.Time    `json:"created_at"`
}

func toAPINote(n *campaigns.NoteEntry) Note {
	return Note{ID: n.ID, Stage: n.Stage, Text: n.Text, CreatedAt: n.CreatedAt.UTC(),
		Author: personRef(n.AuthorID, n.AuthorName, n.PartnerID, n.PartnerName)}
}

// CampaignNotes lists a campaign's notes, every stage's, oldest first.
func (s *Handlers) CampaignNotes(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.Campaigns.Notes(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	return sendItems(c, list, toAPINote)
}

type noteBody struct {
	Stage string `json:"stage"`
	Text  string `json:"text"`
}

// CampaignNoteCreate writes a note; a partner member only at its stages.
func (s *Handlers) CampaignNoteCreate(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	if err := s.Campaigns.Visible(c.UserContext(), v, id); err != nil {
		return err
	}
	var body noteBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	n, err := s.Campaigns.AddNote(c.UserContext(), v, id, body.Stage, body.Text)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPINote(n))
}

// ChecklistItem is a checklist item: done_by is null while not done.
type ChecklistItem struct {
	ID        int64         `json:"id"`
	Stage     string        `json:"stage"`
	Text      string        `json:"text"`
	Done      bool          `json:"done"`
	DoneAt    *time.Time    `json:"done_at"`
	DoneBy    *apiPersonRef `json:"done_by"`
	CreatedAt time.Time     `json:"created_at"`
}

func toAPIChecklistItem(e *campaigns.ChecklistEntry) ChecklistItem {
	out := ChecklistItem{ID: e.ID, Stage: e.Stage, Text: e.Text, Done: e.DoneAt != nil, DoneAt: utcPtr(e.DoneAt),
		CreatedAt: e.CreatedAt.UTC()}
	if e.DoneAt != nil {
		r := personRef(e.DoneBy, e.DoneByName, e.DoneByPartnerID, e.DoneByPartner)
		out.DoneBy = &r
	}
	return out
}

// CampaignChecklist lists a campaign's checklist, stage by stage.
func (s *Handlers) CampaignChecklist(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.Campaigns.Checklist(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	return sendItems(c, list, toAPIChecklistItem)
}

// CampaignChecklistAdd puts an item on a stage's checklist.
func (s *Handlers) CampaignChecklistAdd(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	if err := s.Campaigns.Visible(c.UserContext(), v, id); err != nil {
		return err
	}
	var body noteBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	it, err := s.Campaigns.AddItem(c.UserContext(), v, id, body.Stage, body.Text)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIChecklistItem(it))
}

type tickBody struct {
	Done *bool `json:"done"`
}

// CampaignTick marks an item done or not done.
func (s *Handlers) CampaignTick(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	itemID, err := request.PathID(c, "item_id")
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	if err := s.Campaigns.Visible(c.UserContext(), v, id); err != nil {
		return err
	}
	var body tickBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	if body.Done == nil {
		return apperr.Fields{"done": {ID: "error_required"}}.Err()
	}
	it, err := s.Campaigns.Tick(c.UserContext(), v, id, itemID, *body.Done)
	if err != nil {
		return err
	}
	return c.JSON(toAPIChecklistItem(it))
}

// Letter is a batch of letters logged for a campaign.
type Letter struct {
	ID          int64      `json:"id"`
	Count       int        `json:"count"`
	DeliveredOn civil.Date `json:"delivered_on"`
	Note        string     `json:"note"`
	CreatedAt   time.Time  `json:"created_at"`
}

func toAPILetter(l *campaigns.Letter) Letter {
	return Letter{ID: l.ID, Count: l.Count, DeliveredOn: l.DeliveredOn, Note: l.Note, CreatedAt: l.CreatedAt.UTC()}
}

// CampaignLetters lists the letters logged for a campaign, oldest first.
func (s *Handlers) CampaignLetters(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.Campaigns.Letters(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	return sendItems(c, list, toAPILetter)
}

type letterBody struct {
	Count       int          `json:"count"`
	DeliveredOn optionalDate `json:"delivered_on"`
	Note        string       `json:"note"`
}

// CampaignLetterCreate logs letters written for a campaign.
func (s *Handlers) CampaignLetterCreate(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	if err := s.Campaigns.Visible(c.UserContext(), v, id); err != nil {
		return err
	}
	var body letterBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	f := apperr.Fields{}
	in := campaigns.LetterInput{Count: body.Count, Note: body.Note}
	if d := body.DeliveredOn.check(f, "delivered_on"); d != nil {
		in.DeliveredOn = *d
	}
	if err := f.Err(); err != nil {
		return err
	}
	l, err := s.Campaigns.AddLetter(c.UserContext(), v, id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPILetter(l))
}

type apiReportPartner struct {
	PartnerID int64    `json:"partner_id"`
	Name      string   `json:"name"`
	Stages    []string `json:"stages"`
}

type apiReportRow struct {
	CampaignID         int64              `json:"campaign_id"`
	Title              string             `json:"title"`
	Stage              string             `json:"stage"`
	Partners           []apiReportPartner `json:"partners"`
	ImplementationOnly bool               `json:"implementation_only"`
}

// InvolvementReport is, for every campaign, its partners with their
// stages, and whether they were brought in for implementation only; the
// title is in the request's language, or falls back.
func (s *Handlers) InvolvementReport(c *fiber.Ctx) error {
	rows, err := s.Campaigns.InvolvementReport(c.UserContext(), request.Viewer(c))
	if err != nil {
		return err
	}
	lang := s.Localizer(c).Lang
	return sendItems(c, rows, func(r *campaigns.ReportRow) apiReportRow {
		out := apiReportRow{CampaignID: r.Campaign.ID, Title: r.Campaign.TextIn(lang, s.Catalog.Default()).Title,
			Stage: r.Campaign.Stage, Partners: []apiReportPartner{}, ImplementationOnly: r.ImplementationOnly}
		for _, p := range r.Partners {
			out.Partners = append(out.Partners, apiReportPartner{PartnerID: p.PartnerID, Name: p.Name, Stages: p.Stages})
		}
		return out
	})
}
