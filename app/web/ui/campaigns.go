package ui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/i18n"
)

// stageLabels are the message ids of the stage names.
var stageLabels = map[string]string{
	campaigns.StagePlanning:       "stage_planning",
	campaigns.StageImplementation: "stage_implementation",
	campaigns.StageMonitoring:     "stage_monitoring",
	campaigns.StageEvaluation:     "stage_evaluation",
}

// campaignBase is the page of a campaign: the staff's, or a partner member's.
func campaignBase(staff bool, id int64) string {
	if staff {
		return "/manage/campaigns/" + strconv.FormatInt(id, 10)
	}
	return "/partner/campaigns/" + strconv.FormatInt(id, 10)
}

// dateText is a day as the page's language writes it, "" for none.
func dateText(l *i18n.Localizer, d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return l.Date(d.Time())
}

// campaignDates is a campaign's span in words.
func campaignDates(l *i18n.Localizer, c *campaigns.Campaign) string {
	start, end := dateText(l, c.StartsOn), dateText(l, c.EndsOn)
	switch {
	case start != "" && end != "":
		return l.T("campaign_dates", "Start", start, "End", end)
	case start != "":
		return l.T("campaign_dates_from", "Start", start)
	case end != "":
		return l.T("campaign_dates_until", "End", end)
	}
	return l.T("campaign_dates_none")
}

// stageNames are stages' names in the page's language, joined.
func stageNames(l *i18n.Localizer, stages []string) string {
	names := make([]string, len(stages))
	for i, st := range stages {
		names[i] = l.T(stageLabels[st])
	}
	return strings.Join(names, ", ")
}

// --- The staff list ---

// campaignRow is a campaign as the staff list shows it.
type campaignRow struct {
	ID                 int64
	Title              string
	Fallback           bool
	Stage, StageCode   string
	Dates              string
	Partners           int
	ImplementationOnly bool
}

type campaignsListData struct {
	Rows      []campaignRow
	CanReport bool
}

// ManageCampaigns lists every campaign with its stage, dates and partners,
// marking those whose partners only carry them out.
func (s *Handlers) ManageCampaigns(c *fiber.Ctx) error {
	rows, err := s.Campaigns.InvolvementReport(c.UserContext(), request.Viewer(c))
	if err != nil {
		return err
	}
	p := s.Page(c, "campaigns_title", nil)
	data := campaignsListData{CanReport: s.Can(c, access.ReportsRead)}
	for _, r := range rows {
		t := r.Campaign.TextIn(p.L.Lang, s.Catalog.Default())
		data.Rows = append(data.Rows, campaignRow{ID: r.Campaign.ID, Title: t.Title, Fallback: t.Fallback,
			Stage: p.L.T(stageLabels[r.Campaign.Stage]), StageCode: r.Campaign.Stage, Dates: campaignDates(p.L, r.Campaign),
			Partners: len(r.Partners), ImplementationOnly: r.ImplementationOnly})
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplManageCampaigns, p)
}

// --- The campaign form ---

// campaignFormFields are the form's fields besides the texts per language.
var campaignFormFields = []string{"tags", "stage", "starts_on", "ends_on", "lead_id"}

func readCampaignForm(c *fiber.Ctx) map[string]string {
	form := map[string]string{}
	for _, k := range campaignFormFields {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	for _, lang := range i18n.Supported {
		for _, k := range []string{"title", "summary"} {
			form[textField(k, lang)] = strings.TrimSpace(c.FormValue(textField(k, lang)))
		}
	}
	return form
}

// campaignFormOf fills the form from a campaign as stored.
func campaignFormOf(camp *campaigns.Campaign) map[string]string {
	form := map[string]string{"tags": strings.Join(camp.Tags, ", "), "stage": camp.Stage,
		"starts_on": camp.StartsOn.String(), "ends_on": camp.EndsOn.String()}
	if camp.LeadID != nil {
		form["lead_id"] = strconv.FormatInt(*camp.LeadID, 10)
	}
	for _, t := range camp.Translations {
		form[textField("title", t.Locale)] = t.Title
		form[textField("summary", t.Locale)] = t.Summary
	}
	return form
}

// parseCampaignForm maps the form to the store's input; a value that does
// not parse is a field error and is left out. current is the campaign being
// edited, nil for a new one (whose stage the form may set).
func parseCampaignForm(form map[string]string, current *campaigns.Campaign) (campaigns.Input, apperr.Fields) {
	f := apperr.Fields{}
	in := campaigns.Input{}
	tags := []string{}
	for _, t := range strings.Split(form["tags"], ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	in.Tags = &tags
	if current == nil && form["stage"] != "" {
		stage := form["stage"]
		in.Stage = &stage
	}
	for _, d := range []struct {
		field string
		dst   **civil.Date
	}{{"starts_on", &in.StartsOn}, {"ends_on", &in.EndsOn}} {
		day := civil.Date{} // empty: no date
		if v := form[d.field]; v != "" {
			parsed, err := civil.Parse(v)
			if err != nil {
				f.Add(d.field, "error_campaign_date")
				continue
			}
			day = parsed
		}
		*d.dst = &day
	}
	if v := form["lead_id"]; v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			f.Add("lead_id", "error_campaign_lead")
		} else {
			in.LeadID = &id
		}
	}
	had := map[string]bool{}
	if current != nil {
		for _, t := range current.Translations {
			had[t.Locale] = true
		}
	}
	in.Title, in.Summary = map[string]string{}, map[string]string{}
	for _, lang := range i18n.Supported {
		title, summary := form[textField("title", lang)], form[textField("summary", lang)]
		if title == "" && summary == "" && !had[lang] {
			continue
		}
		in.Title[lang], in.Summary[lang] = title, summary
	}
	return in, f
}

type campaignFormData struct {
	ID     int64 // 0 for a new campaign
	Action string
	Stages []option // a new campaign's stage
	Leads  []option
	Langs  []formLang
}

// leadOptions are the users who may lead a campaign: enabled holders of
// campaigns.LeadRoles.
func (s *Handlers) leadOptions(c *fiber.Ctx, selected string) ([]option, error) {
	users, err := s.Users.ListByRole(c.UserContext(), campaigns.LeadRoles...)
	if err != nil {
		return nil, err
	}
	var out []option
	for _, u := range users {
		id := strconv.FormatInt(u.ID, 10)
		out = append(out, option{Value: id, Label: u.DisplayName, Selected: id == selected})
	}
	return out, nil
}

// campaignFormPage renders the campaign form with the values and messages given.
func (s *Handlers) campaignFormPage(c *fiber.Ctx, status int, current *campaigns.Campaign, form, errs map[string]string) error {
	p := s.Page(c, "campaign_new_title", nil)
	data := campaignFormData{Action: "/manage/campaigns"}
	if current != nil {
		data.ID, data.Action = current.ID, campaignBase(true, current.ID)
		p.Title = p.L.T("campaign_edit_title", "Title", current.TextIn(p.L.Lang, s.Catalog.Default()).Title)
	} else {
		data.Stages = options(campaigns.Stages, stageLabels, p, form["stage"])
	}
	leads, err := s.leadOptions(c, form["lead_id"])
	if err != nil {
		return err
	}
	data.Leads = leads
	for i, code := range i18n.Supported {
		data.Langs = append(data.Langs, formLang{Code: code, Name: s.Catalog.Localizer(code).T("lang_name"), First: i == 0})
	}
	p.Data, p.Form, p.Errors = data, form, errs
	first := i18n.Supported[0]
	p.Fields = append(p.Fields, request.Field{Key: "title", Label: p.L.T("field_title"), Target: "f-title_" + first},
		request.Field{Key: "summary", Label: p.L.T("field_summary"), Target: "f-summary_" + first})
	p.Label("tags", "campaign_field_tags", "stage", "campaign_field_stage", "starts_on", "campaign_field_starts_on",
		"ends_on", "campaign_field_ends_on", "lead_id", "campaign_field_lead")
	return s.Render(c, status, tplCampaignForm, p)
}

// saveCampaignForm parses the posted form and saves it with save; a refusal
// shows the form again with the values as typed.
func (s *Handlers) saveCampaignForm(c *fiber.Ctx, current *campaigns.Campaign, save func(campaigns.Input) (*campaigns.Campaign, error)) error {
	form := readCampaignForm(c)
	in, parseErrs := parseCampaignForm(form, current)
	l := s.Localizer(c)
	errs := map[string]string{}
	for field, m := range parseErrs {
		errs[field] = l.T(m.ID, m.Args...)
	}
	if len(errs) > 0 {
		// Nothing is saved; the store's own checks still speak for the rest.
		if err := campaigns.Check(in); err != nil {
			s.activityFormErrors(c, err, errs, nil)
		}
		return s.campaignFormPage(c, fiber.StatusUnprocessableEntity, current, form, errs)
	}
	camp, err := save(in)
	if err != nil {
		if status, ok := s.activityFormErrors(c, err, errs, nil); ok {
			return s.campaignFormPage(c, status, current, form, errs)
		}
		return err
	}
	return c.Redirect(campaignBase(true, camp.ID)+"?saved=1", fiber.StatusSeeOther)
}

// CampaignNew shows an empty campaign form, led by the user.
func (s *Handlers) CampaignNew(c *fiber.Ctx) error {
	form := map[string]string{"stage": campaigns.StagePlanning, "lead_id": strconv.FormatInt(request.ActorID(c), 10)}
	return s.campaignFormPage(c, fiber.StatusOK, nil, form, nil)
}

// CampaignCreate stores a new campaign from the form.
func (s *Handlers) CampaignCreate(c *fiber.Ctx) error {
	return s.saveCampaignForm(c, nil, func(in campaigns.Input) (*campaigns.Campaign, error) {
		return s.Campaigns.Create(c.UserContext(), request.Viewer(c), in)
	})
}

// CampaignEdit shows the form of a campaign, filled in.
func (s *Handlers) CampaignEdit(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	camp, err := s.Campaigns.Get(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	return s.campaignFormPage(c, fiber.StatusOK, camp, campaignFormOf(camp), nil)
}

// CampaignSave saves the form over a campaign; its stage moves only with
// the advance button.
func (s *Handlers) CampaignSave(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	camp, err := s.Campaigns.Get(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	return s.saveCampaignForm(c, camp, func(in campaigns.Input) (*campaigns.Campaign, error) {
		return s.Campaigns.Update(c.UserContext(), v, id, in)
	})
}

// --- The campaign page, in its staff and partner versions ---

// stageCheck is a stage's checkbox in a partner's involvement form.
type stageCheck struct {
	Code, Label string
	Checked     bool
}

// involvedRow is a partner taking part in the campaign.
type involvedRow struct {
	ID     int64
	Name   string
	Stages string // their names, joined
	Checks []stageCheck
}

type noteRow struct {
	ID     int64
	Author string
	At     time.Time
	Text   string
}

type itemRow struct {
	ID     int64
	Text   string
	Done   bool
	DoneBy string // who and when, in words
}

// stageSection is one stage of the campaign: who takes part, its notes and
// its checklist, and whether the viewer may write there.
type stageSection struct {
	Code, Label string
	Current     bool
	Writable    bool
	Partners    string
	Notes       []noteRow
	Items       []itemRow
}

type letterRow struct {
	Count     int
	Delivered string
	Note      string
	Logged    time.Time
}

type campaignPageData struct {
	C           *campaigns.Campaign
	Text        campaigns.Text
	Base        string // where the page's forms post
	Back        string
	Staff       bool // the staff version, with its forms
	Stage       string
	NextLabel   string // "" at the last stage
	Dates       string
	Lead        string
	Tags        string
	YourStages  string // the partner version: its organisation's stages
	Partners    []involvedRow
	AddPartners []campaigns.PartnerRef
	NewStages   []stageCheck
	Stages      []stageSection
	Letters     []letterRow
	Petitions   []petitionRow
	Signatures  int
	Saved       bool
}

// personName is who wrote or ticked, with their organisation if any.
func personName(l *i18n.Localizer, name, partner string) string {
	switch {
	case name == "":
		return l.T("campaign_author_unknown")
	case partner != "":
		return l.T("campaign_author_partner", "Name", name, "Partner", partner)
	}
	return name
}

// campaignView renders the :id campaign's page for the viewer, the staff's
// version or a partner member's, with the form values and messages given.
func (s *Handlers) campaignView(c *fiber.Ctx, staff bool, status int, form, errs map[string]string) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx, v := c.UserContext(), request.Viewer(c)
	camp, err := s.Campaigns.Get(ctx, v, id)
	if err != nil {
		return err
	}
	notes, err := s.Campaigns.Notes(ctx, v, id)
	if err != nil {
		return err
	}
	items, err := s.Campaigns.Checklist(ctx, v, id)
	if err != nil {
		return err
	}
	letters, err := s.Campaigns.Letters(ctx, v, id)
	if err != nil {
		return err
	}
	p := s.Page(c, "campaigns_title", nil)
	l := p.L
	staff = staff && v.Staff
	d := campaignPageData{C: camp, Text: camp.TextIn(l.Lang, s.Catalog.Default()), Base: campaignBase(staff, id),
		Back: "/partner", Staff: staff, Stage: l.T(stageLabels[camp.Stage]), Dates: campaignDates(l, camp),
		Tags: tagList(l, camp.Tags), Saved: c.Query("saved") == "1"}
	if staff {
		d.Back = "/manage/campaigns"
	} else {
		d.YourStages = stageNames(l, camp.StagesOf(v.PartnerID))
	}
	if next, ok := campaigns.NextStage(camp.Stage); ok {
		d.NextLabel = l.T(stageLabels[next])
	}
	if d.Lead, err = s.leadName(ctx, camp.LeadID); err != nil {
		return err
	}
	involved := map[int64]bool{}
	for _, pt := range camp.Partners {
		involved[pt.PartnerID] = true
		row := involvedRow{ID: pt.PartnerID, Name: pt.Name, Stages: stageNames(l, pt.Stages)}
		for _, st := range campaigns.Stages {
			row.Checks = append(row.Checks, stageCheck{Code: st, Label: l.T(stageLabels[st]), Checked: slices.Contains(pt.Stages, st)})
		}
		d.Partners = append(d.Partners, row)
	}
	if staff {
		choices, err := s.Campaigns.PartnerChoices(ctx)
		if err != nil {
			return err
		}
		for _, ch := range choices {
			if !involved[ch.ID] {
				d.AddPartners = append(d.AddPartners, ch)
			}
		}
		for _, st := range campaigns.Stages {
			d.NewStages = append(d.NewStages, stageCheck{Code: st, Label: l.T(stageLabels[st])})
		}
	}
	for _, st := range campaigns.Stages {
		sec := stageSection{Code: st, Label: l.T(stageLabels[st]), Current: st == camp.Stage,
			Writable: v.Staff || camp.Involved(v.PartnerID, st)}
		var names []string
		for _, pt := range camp.Partners {
			if slices.Contains(pt.Stages, st) {
				names = append(names, pt.Name)
			}
		}
		sec.Partners = strings.Join(names, ", ")
		for _, n := range notes {
			if n.Stage == st {
				sec.Notes = append(sec.Notes, noteRow{ID: n.ID, Author: personName(l, n.AuthorName, n.PartnerName), At: n.CreatedAt, Text: n.Text})
			}
		}
		for _, it := range items {
			if it.Stage != st {
				continue
			}
			row := itemRow{ID: it.ID, Text: it.Text, Done: it.DoneAt != nil}
			if it.DoneAt != nil {
				row.DoneBy = l.T("campaign_done_by", "Name", personName(l, it.DoneByName, it.DoneByPartner), "Date", l.DateTime(*it.DoneAt))
			}
			sec.Items = append(sec.Items, row)
		}
		d.Stages = append(d.Stages, sec)
	}
	pets, err := s.Petitions.ForCampaigns(ctx, v, []int64{id})
	if err != nil {
		return err
	}
	for _, pt := range pets[id] {
		d.Petitions = append(d.Petitions, petitionRow{ID: pt.ID, Title: pt.TextIn(l.Lang, s.Catalog.Default()).Title, Slug: pt.Slug,
			Signatures: pt.Signatures, Goal: pt.Goal})
		d.Signatures += pt.Signatures
	}
	for _, lt := range letters {
		row := letterRow{Count: lt.Count, Note: lt.Note, Logged: lt.CreatedAt, Delivered: dateText(l, lt.DeliveredOn)}
		if row.Delivered == "" {
			row.Delivered = l.T("campaign_letters_undelivered")
		}
		d.Letters = append(d.Letters, row)
	}
	p.Title = d.Text.Title
	p.Data, p.Form, p.Errors = d, form, errs
	p.Fields = append(p.Fields, request.Field{Key: "partners", Label: l.T("campaign_partners"), Target: "partners"})
	for _, sec := range d.Stages {
		p.Fields = append(p.Fields,
			request.Field{Key: "text_" + sec.Code, Label: sec.Label + " · " + l.T("campaign_field_note")},
			request.Field{Key: "item_" + sec.Code, Label: sec.Label + " · " + l.T("campaign_field_checklist_item")})
	}
	p.Label("count", "campaign_field_letter_count", "delivered_on", "campaign_field_delivered_on_optional", "note", "campaign_field_letter_note")
	return s.Render(c, status, tplCampaign, p)
}

// leadName is the display name of a campaign's lead, "" for none.
func (s *Handlers) leadName(ctx context.Context, id *int64) (string, error) {
	if id == nil {
		return "", nil
	}
	u, err := s.Users.UserByID(ctx, *id)
	if errors.Is(err, apperr.ErrNotFound) { // disabled since
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return u.DisplayName, nil
}

// ManageCampaign is a campaign's page for the staff.
func (s *Handlers) ManageCampaign(c *fiber.Ctx) error {
	return s.campaignView(c, true, fiber.StatusOK, nil, nil)
}

// PartnerCampaign is a campaign's page for a member of a partner taking
// part in it; any other campaign is not found.
func (s *Handlers) PartnerCampaign(c *fiber.Ctx) error {
	return s.campaignView(c, false, fiber.StatusOK, nil, nil)
}

// campaignWrite runs one of the campaign page's forms: back to the page
// (303, to anchor) when it went through; the page again with the messages
// beside the form (422) when a value is refused, form holding what was
// typed and fields naming the form key of each store field (others show at
// the top). Other refusals (403, 404, 409) are the error page.
func (s *Handlers) campaignWrite(c *fiber.Ctx, staff bool, anchor string, form, fields map[string]string,
	write func(ctx context.Context, v access.Viewer, id int64) error) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := write(c.UserContext(), request.Viewer(c), id); err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
			return err
		}
		l := s.Localizer(c)
		errs := map[string]string{}
		for field, m := range ae.Fields {
			key, ok := fields[field]
			if !ok {
				key = "_form"
			}
			if _, dup := errs[key]; !dup {
				errs[key] = l.T(m.ID, m.Args...)
			}
		}
		return s.campaignView(c, staff, fiber.StatusUnprocessableEntity, form, errs)
	}
	target := campaignBase(staff, id) + "?saved=1"
	if anchor != "" {
		target += "#" + anchor
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// stageAnchor is the page anchor of a posted stage, "" for an unknown one.
func stageAnchor(stage string) string {
	if campaigns.ValidStage(stage) {
		return "stage-" + stage
	}
	return ""
}

// CampaignNote adds a note at a stage, from the staff's page or a partner
// member's.
func (s *Handlers) CampaignNote(staff bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		stage, text := c.FormValue("stage"), c.FormValue("text")
		key := "text_" + stage
		return s.campaignWrite(c, staff, stageAnchor(stage), map[string]string{key: text}, map[string]string{"text": key},
			func(ctx context.Context, v access.Viewer, id int64) error {
				_, err := s.Campaigns.AddNote(ctx, v, id, stage, text)
				return err
			})
	}
}

// CampaignTick ticks or unticks a checklist item, from the staff's page or
// a partner member's; an unticked box sends nothing, so it means not done.
func (s *Handlers) CampaignTick(staff bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		itemID, err := request.PathID(c, "item_id")
		if err != nil {
			return err
		}
		done := c.FormValue("done") == "true"
		return s.campaignWrite(c, staff, "item-"+strconv.FormatInt(itemID, 10), nil, nil,
			func(ctx context.Context, v access.Viewer, id int64) error {
				_, err := s.Campaigns.Tick(ctx, v, id, itemID, done)
				return err
			})
	}
}

// CampaignItemAdd puts an item on a stage's checklist.
func (s *Handlers) CampaignItemAdd(c *fiber.Ctx) error {
	stage, text := c.FormValue("stage"), c.FormValue("text")
	key := "item_" + stage
	return s.campaignWrite(c, true, stageAnchor(stage), map[string]string{key: text}, map[string]string{"text": key},
		func(ctx context.Context, v access.Viewer, id int64) error {
			_, err := s.Campaigns.AddItem(ctx, v, id, stage, text)
			return err
		})
}

// CampaignLetterAdd logs letters written for the campaign.
func (s *Handlers) CampaignLetterAdd(c *fiber.Ctx) error {
	form := map[string]string{"count": strings.TrimSpace(c.FormValue("count")),
		"delivered_on": strings.TrimSpace(c.FormValue("delivered_on")), "note": c.FormValue("note")}
	fields := map[string]string{"count": "count", "delivered_on": "delivered_on", "note": "note"}
	return s.campaignWrite(c, true, "letters", form, fields, func(ctx context.Context, v access.Viewer, id int64) error {
		f := apperr.Fields{}
		in := campaigns.LetterInput{Note: form["note"]}
		n, err := strconv.Atoi(form["count"])
		if err != nil {
			f.Add("count", "error_letter_count", "Max", campaigns.MaxLetters)
		}
		in.Count = n
		if day := form["delivered_on"]; day != "" {
			if in.DeliveredOn, err = civil.Parse(day); err != nil {
				f.Add("delivered_on", "error_campaign_date")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		_, err = s.Campaigns.AddLetter(ctx, v, id, in)
		return err
	})
}

// CampaignInvolve sets the stages a partner takes part in, from the
// checkboxes of its row (or of the form that adds a partner); none left
// ticked removes it.
func (s *Handlers) CampaignInvolve(c *fiber.Ctx) error {
	partnerID, err := strconv.ParseInt(c.FormValue("partner_id"), 10, 64)
	if err != nil || partnerID <= 0 {
		return apperr.New(apperr.NotFound, "error_partner_unknown")
	}
	stages := []string{}
	for _, st := range c.Request().PostArgs().PeekMulti("stage") {
		stages = append(stages, string(st))
	}
	return s.campaignWrite(c, true, "partners", nil, map[string]string{"stages": "partners"},
		func(ctx context.Context, v access.Viewer, id int64) error {
			_, err := s.Campaigns.SetInvolvement(ctx, v, id, partnerID, stages)
			return err
		})
}

// CampaignAdvance moves the campaign to its next stage.
func (s *Handlers) CampaignAdvance(c *fiber.Ctx) error {
	return s.campaignWrite(c, true, "", nil, nil, func(ctx context.Context, v access.Viewer, id int64) error {
		_, err := s.Campaigns.Advance(ctx, v, id)
		return err
	})
}

// --- The involvement report ---

type involvementRow struct {
	ID                 int64
	Title              string
	Stage              string
	Cells              []string // the partners at each stage, by name
	Partners           int
	ImplementationOnly bool
}

type involvementData struct {
	Stages []string
	Rows   []involvementRow
}

// InvolvementReport is a table of campaigns by stages: which partners take
// part where, the implementation-only campaigns said in words.
func (s *Handlers) InvolvementReport(c *fiber.Ctx) error {
	rows, err := s.Campaigns.InvolvementReport(c.UserContext(), request.Viewer(c))
	if err != nil {
		return err
	}
	p := s.Page(c, "report_involvement_title", nil)
	data := involvementData{}
	for _, st := range campaigns.Stages {
		data.Stages = append(data.Stages, p.L.T(stageLabels[st]))
	}
	for _, r := range rows {
		row := involvementRow{ID: r.Campaign.ID, Title: r.Campaign.TextIn(p.L.Lang, s.Catalog.Default()).Title,
			Stage: p.L.T(stageLabels[r.Campaign.Stage]), Partners: len(r.Partners), ImplementationOnly: r.ImplementationOnly}
		for _, st := range campaigns.Stages {
			var names []string
			for _, pt := range r.Partners {
				if slices.Contains(pt.Stages, st) {
					names = append(names, pt.Name)
				}
			}
			row.Cells = append(row.Cells, strings.Join(names, ", "))
		}
		data.Rows = append(data.Rows, row)
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplInvolvementReport, p)
}
