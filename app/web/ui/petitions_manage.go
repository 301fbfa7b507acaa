package ui

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/petitions"
)

// managePetitionsPath is the staff list of petitions.
const managePetitionsPath = "/manage/petitions"

// petitionRow is a petition as the staff list shows it.
type petitionRow struct {
	ID         int64
	Slug       string
	Title      string
	Campaign   string
	Signatures int
	Goal       int
}

type managePetitionsData struct {
	Rows  []petitionRow
	Saved bool
}

// campaignTitles names each campaign in the page's language; a campaign
// without a title in any language is named by its number.
func (s *Handlers) campaignTitles(c *fiber.Ctx, p *request.Page) ([]petitions.Campaign, error) {
	list, err := s.Petitions.Campaigns(c.UserContext(), p.L.Lang, s.Catalog.Default())
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Title == "" {
			list[i].Title = p.L.T("petition_campaign_untitled", "ID", strconv.FormatInt(list[i].ID, 10))
		}
	}
	return list, nil
}

// ManagePetitions lists every petition with its count and goal.
func (s *Handlers) ManagePetitions(c *fiber.Ctx) error {
	list, err := s.Petitions.List(c.UserContext(), request.Viewer(c))
	if err != nil {
		return err
	}
	p := s.Page(c, "manage_petitions_title", nil)
	camps, err := s.campaignTitles(c, p)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(camps))
	for _, k := range camps {
		names[k.ID] = k.Title
	}
	data := managePetitionsData{Saved: c.Query("saved") == "1"}
	for i := range list {
		pt := &list[i]
		data.Rows = append(data.Rows, petitionRow{ID: pt.ID, Slug: pt.Slug, Title: pt.TextIn(p.L.Lang, s.Catalog.Default()).Title,
			Campaign: names[pt.CampaignID], Signatures: pt.Signatures, Goal: pt.Goal})
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplManagePetitions, p)
}

// --- The petition form ---

// readPetitionForm takes the posted fields, each trimmed.
func readPetitionForm(c *fiber.Ctx) map[string]string {
	form := map[string]string{}
	for _, k := range []string{"campaign_id", "slug", "goal"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	for _, lang := range i18n.Supported {
		for _, k := range []string{"title", "text"} {
			form[textField(k, lang)] = strings.TrimSpace(c.FormValue(textField(k, lang)))
		}
	}
	return form
}

// PetitionFormOf fills the form from a petition as stored.
func PetitionFormOf(p *petitions.Petition) map[string]string {
	form := map[string]string{"campaign_id": strconv.FormatInt(p.CampaignID, 10), "slug": p.Slug, "goal": strconv.Itoa(p.Goal)}
	for _, t := range p.Translations {
		form[textField("title", t.Locale)] = t.Title
		form[textField("text", t.Locale)] = t.Text
	}
	return form
}

// parsePetitionForm maps the form to the store's input. A number that does
// not parse is a field error here and is left out of the input. current is
// the petition being edited, nil for a new one.
func parsePetitionForm(form map[string]string, current *petitions.Petition) (petitions.Input, apperr.Fields) {
	f := apperr.Fields{}
	slug := form["slug"]
	in := petitions.Input{Slug: &slug, Title: map[string]string{}, Text: map[string]string{}}
	if v := form["campaign_id"]; v != "" {
		if id, err := strconv.ParseInt(v, 10, 64); err != nil {
			f.Add("campaign_id", "error_petition_campaign_unknown")
		} else {
			in.CampaignID = &id
		}
	}
	if v := form["goal"]; v != "" {
		if n, err := strconv.Atoi(v); err != nil {
			f.Add("goal", "error_petition_goal", "Max", petitions.MaxGoal)
		} else {
			in.Goal = &n
		}
	}
	had := map[string]bool{}
	if current != nil {
		for _, t := range current.Translations {
			had[t.Locale] = true
		}
	}
	for _, lang := range i18n.Supported {
		title, text := form[textField("title", lang)], form[textField("text", lang)]
		// A language left empty is not written, unless it is there to be emptied.
		if title == "" && text == "" && !had[lang] {
			continue
		}
		in.Title[lang], in.Text[lang] = title, text
	}
	return in, f
}

type petitionFormData struct {
	ID        int64 // 0 for a new petition
	Action    string
	Campaigns []option
	Langs     []formLang
	Progress  string
}

// petitionFormPage renders the petition form with the values and messages given.
func (s *Handlers) petitionFormPage(c *fiber.Ctx, status int, current *petitions.Petition, form, errs map[string]string) error {
	p := s.Page(c, "manage_petition_new_title", nil)
	data := petitionFormData{Action: managePetitionsPath}
	if current != nil {
		data.ID, data.Action = current.ID, managePetitionsPath+"/"+strconv.FormatInt(current.ID, 10)
		p.Title = p.L.T("manage_petition_edit_title", "Title", current.TextIn(p.L.Lang, s.Catalog.Default()).Title)
		data.Progress = p.L.Plural("petition_progress", current.Signatures, "Goal", p.L.Number(current.Goal))
	}
	camps, err := s.campaignTitles(c, p)
	if err != nil {
		return err
	}
	for _, k := range camps {
		id := strconv.FormatInt(k.ID, 10)
		data.Campaigns = append(data.Campaigns, option{Value: id, Label: k.Title, Selected: id == form["campaign_id"]})
	}
	for i, code := range i18n.Supported {
		data.Langs = append(data.Langs, formLang{Code: code, Name: s.Catalog.Localizer(code).T("lang_name"), First: i == 0})
	}
	p.Data, p.Form, p.Errors = data, form, errs
	first := i18n.Supported[0]
	p.Label("campaign_id", "petition_field_campaign", "slug", "petition_field_slug", "goal", "petition_field_goal")
	p.Fields = append(p.Fields, request.Field{Key: "title", Label: p.L.T("field_title"), Target: "f-title_" + first},
		request.Field{Key: "text", Label: p.L.T("petition_field_text"), Target: "f-text_" + first})
	return s.Render(c, status, tplManagePetitionForm, p)
}

// savePetitionForm parses the posted form and saves it with save; a refusal
// shows the form again with the values as typed and every message beside
// its field.
func (s *Handlers) savePetitionForm(c *fiber.Ctx, current *petitions.Petition, save func(petitions.Input) error) error {
	form := readPetitionForm(c)
	in, fields := parsePetitionForm(form, current)
	var err error
	if len(fields) == 0 {
		if err = save(in); err == nil {
			return c.Redirect(managePetitionsPath+"?saved=1", fiber.StatusSeeOther)
		}
	} else {
		// Nothing is saved; the store's own checks still speak for the rest.
		err = petitions.Check(in)
	}
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
			return err
		}
		for field, m := range ae.Fields {
			fields.Add(field, m.ID, m.Args...)
		}
	}
	l := s.Localizer(c)
	errs := make(map[string]string, len(fields))
	for field, m := range fields {
		errs[field] = l.T(m.ID, m.Args...)
	}
	return s.petitionFormPage(c, fiber.StatusUnprocessableEntity, current, form, errs)
}

// PetitionNew shows an empty petition form.
func (s *Handlers) PetitionNew(c *fiber.Ctx) error {
	return s.petitionFormPage(c, fiber.StatusOK, nil, map[string]string{}, nil)
}

// PetitionCreate stores a new petition from the form.
func (s *Handlers) PetitionCreate(c *fiber.Ctx) error {
	return s.savePetitionForm(c, nil, func(in petitions.Input) error {
		_, err := s.Petitions.Create(c.UserContext(), request.ActorID(c), in)
		return err
	})
}

// editedPetition reads the :id petition.
func (s *Handlers) editedPetition(c *fiber.Ctx) (*petitions.Petition, error) {
	id, err := request.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.Petitions.Get(c.UserContext(), request.Viewer(c), id)
}

// PetitionEdit shows the form of a petition, filled in.
func (s *Handlers) PetitionEdit(c *fiber.Ctx) error {
	p, err := s.editedPetition(c)
	if err != nil {
		return err
	}
	return s.petitionFormPage(c, fiber.StatusOK, p, PetitionFormOf(p), nil)
}

// PetitionSave saves the form over a petition.
func (s *Handlers) PetitionSave(c *fiber.Ctx) error {
	p, err := s.editedPetition(c)
	if err != nil {
		return err
	}
	return s.savePetitionForm(c, p, func(in petitions.Input) error {
		_, err := s.Petitions.Update(c.UserContext(), request.ActorID(c), p.ID, in)
		return err
	})
}
