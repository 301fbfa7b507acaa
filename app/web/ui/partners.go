package ui

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/regions"
)

// Labels of the partner vocabularies, by value.
var (
	partnerKindLabels = map[string]string{
		partners.KindYouthLed: "partner_kind_youth_led", partners.KindYouthFocused: "partner_kind_youth_focused",
		partners.KindLGBTI: "partner_kind_lgbti", partners.KindYouthCouncil: "partner_kind_youth_council",
		partners.KindSchool: "partner_kind_school", partners.KindUniversity: "partner_kind_university",
		partners.KindNGO: "partner_kind_ngo", partners.KindOther: "partner_kind_other"}
	partnershipLabels = map[string]string{
		partners.StatusProspective: "partnership_prospective", partners.StatusActive: "partnership_active",
		partners.StatusStrengthened: "partnership_strengthened", partners.StatusEnded: "partnership_ended"}
)

// ManagePartnerPath is the staff page of an organisation.
func ManagePartnerPath(id int64) string { return "/manage/partners/" + strconv.FormatInt(id, 10) }

// regionLabel is a region's name in the page's language, or "" for none.
func regionLabel(p *request.Page, code string) string {
	if r, ok := regions.Lookup(code); ok {
		return r.Name(p.L.Lang)
	}
	return ""
}

// partnerRow is an organisation as the staff list shows it.
type partnerRow struct {
	ID         int64
	Name       string
	Kind       string
	Region     string
	Status     string
	StatusCode string
	StartedOn  civil.Date
}

// figureRow is one line of a key-figure table.
type figureRow struct {
	Label string
	Count int
}

type partnersListData struct {
	Rows         []partnerRow
	Filtered     bool
	Kinds        []option
	Statuses     []option
	Regions      []regionGroup
	Established  []figureRow
	Strengthened []figureRow
	ByKind       []figureRow
	ByRegion     []figureRow
	ByStatus     []figureRow
}

// yearRows labels counts by their year, written as is (not as a number
// with a thousands separator).
func yearRows(in []partners.YearCount) []figureRow {
	out := make([]figureRow, len(in))
	for i, y := range in {
		out[i] = figureRow{Label: strconv.Itoa(y.Year), Count: y.Count}
	}
	return out
}

// ManagePartners lists the organisations, filtered by kind, region and
// status, with the key figures of the partnerships.
func (s *Handlers) ManagePartners(c *fiber.Ctx) error {
	v := request.Viewer(c)
	f := partners.Filter{Kind: c.Query("kind"), Region: c.Query("region"), Status: c.Query("status")}
	list, err := s.Partners.List(c.UserContext(), v, f)
	if err != nil {
		return err
	}
	fig, err := s.Partners.KeyFigures(c.UserContext(), v)
	if err != nil {
		return err
	}
	p := s.Page(c, "manage_partners_title", nil)
	data := partnersListData{Filtered: f != (partners.Filter{}),
		Kinds: options(partners.Kinds, partnerKindLabels, p, f.Kind), Statuses: options(partners.Statuses, partnershipLabels, p, f.Status),
		Regions: regionGroups(p, f.Region), Established: yearRows(fig.EstablishedPerYear), Strengthened: yearRows(fig.StrengthenedPerYear)}
	for i := range list {
		o := &list[i]
		data.Rows = append(data.Rows, partnerRow{ID: o.ID, Name: o.Name, Kind: p.L.T(partnerKindLabels[o.Kind]),
			Region: regionLabel(p, o.Region), Status: p.L.T(partnershipLabels[o.Partnership.Status]),
			StatusCode: o.Partnership.Status, StartedOn: o.Partnership.StartedOn})
	}
	for _, k := range fig.ByKind {
		data.ByKind = append(data.ByKind, figureRow{Label: p.L.T(partnerKindLabels[k.Value]), Count: k.Count})
	}
	for _, r := range fig.ByRegion {
		label := regionLabel(p, r.Value)
		if label == "" {
			label = p.L.T("manage_region_none")
		}
		data.ByRegion = append(data.ByRegion, figureRow{Label: label, Count: r.Count})
	}
	for _, st := range fig.ByStatus {
		data.ByStatus = append(data.ByStatus, figureRow{Label: p.L.T(partnershipLabels[st.Value]), Count: st.Count})
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplManagePartners, p)
}

// --- The organisation form ---

// partnerFormFields are the single-line and select fields of the form; the
// descriptions are named per language.
var partnerFormFields = []string{"name", "kind", "region", "contact_email", "website"}

// readPartnerForm takes the posted fields, each trimmed.
func readPartnerForm(c *fiber.Ctx) map[string]string {
	form := map[string]string{}
	for _, k := range partnerFormFields {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	for _, lang := range i18n.Supported {
		form[textField("description", lang)] = strings.TrimSpace(c.FormValue(textField("description", lang)))
	}
	return form
}

// partnerFormOf fills the form from an organisation as stored.
func partnerFormOf(o *partners.Partner) map[string]string {
	form := map[string]string{"name": o.Name, "kind": o.Kind, "region": o.Region,
		"contact_email": o.ContactEmail, "website": o.Website}
	for _, d := range o.Descriptions {
		form[textField("description", d.Locale)] = d.Description
	}
	return form
}

// partnerFormInput maps the form to the store's input: every field is
// given, and an empty description removes that language's.
func partnerFormInput(form map[string]string) partners.Input {
	str := func(k string) *string { v := form[k]; return &v }
	in := partners.Input{Name: str("name"), Kind: str("kind"), Region: str("region"),
		ContactEmail: str("contact_email"), Website: str("website"), Description: map[string]string{}}
	for _, lang := range i18n.Supported {
		in.Description[lang] = form[textField("description", lang)]
	}
	return in
}

type partnerFormData struct {
	Action  string
	Back    string
	Kinds   []option // none on a member's own profile: staff classify organisations
	Regions []regionGroup
	Langs   []formLang
}

// partnerFormPage renders the organisation form with the values and
// messages given; o is the organisation edited, nil for a new one; own is a
// partner member's form of its own profile, under /partner.
func (s *Handlers) partnerFormPage(c *fiber.Ctx, status int, o *partners.Partner, own bool, form, errs map[string]string) error {
	p := s.Page(c, "manage_partner_new_title", nil)
	data := partnerFormData{Action: "/manage/partners", Back: "/manage/partners"}
	switch {
	case own:
		data.Action, data.Back = PartnerProfilePath, PartnerHomePath
		p.Title = p.L.T("partner_profile_edit_title", "Name", o.Name)
	case o != nil:
		data.Action, data.Back = ManagePartnerPath(o.ID), ManagePartnerPath(o.ID)
		p.Title = p.L.T("manage_partner_edit_title", "Name", o.Name)
	}
	if !own {
		data.Kinds = options(partners.Kinds, partnerKindLabels, p, form["kind"])
	}
	data.Regions = regionGroups(p, form["region"])
	for i, code := range i18n.Supported {
		data.Langs = append(data.Langs, formLang{Code: code, Name: s.Catalog.Localizer(code).T("lang_name"), First: i == 0})
	}
	p.Data, p.Form, p.Errors = data, form, errs
	p.Label("name", "field_partner_name", "kind", "field_kind", "region", "field_region",
		"contact_email", "field_contact_email", "website", "field_website")
	p.Fields = append(p.Fields, request.Field{Key: "description", Label: p.L.T("field_description"), Target: "f-description_" + i18n.Supported[0]})
	return s.Render(c, status, tplPartnerForm, p)
}

// fieldErrors puts the field messages of a refused save, in the user's
// language, into errs; ok is false when err is not a validation error.
func (s *Handlers) fieldErrors(c *fiber.Ctx, err error, errs map[string]string) bool {
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
		return false
	}
	l := s.Localizer(c)
	for field, m := range ae.Fields {
		errs[field] = l.T(m.ID, m.Args...)
	}
	return true
}

// savePartnerForm saves the posted form with save; a refusal shows the
// form again with the values as typed. On a member's own profile (own) the
// kind is not the member's to give.
func (s *Handlers) savePartnerForm(c *fiber.Ctx, current *partners.Partner, own bool, save func(partners.Input) (*partners.Partner, error)) error {
	form := readPartnerForm(c)
	in := partnerFormInput(form)
	done := func(o *partners.Partner) string { return ManagePartnerPath(o.ID) }
	if own {
		in.Kind = nil
		done = func(*partners.Partner) string { return PartnerHomePath }
	}
	o, err := save(in)
	if err != nil {
		errs := map[string]string{}
		if s.fieldErrors(c, err, errs) {
			return s.partnerFormPage(c, fiber.StatusUnprocessableEntity, current, own, form, errs)
		}
		return err
	}
	return c.Redirect(done(o)+"?saved=1", fiber.StatusSeeOther)
}

// PartnerNew shows an empty organisation form.
func (s *Handlers) PartnerNew(c *fiber.Ctx) error {
	return s.partnerFormPage(c, fiber.StatusOK, nil, false, map[string]string{"kind": partners.KindYouthLed}, nil)
}

// PartnerCreate stores a new organisation from the form.
func (s *Handlers) PartnerCreate(c *fiber.Ctx) error {
	return s.savePartnerForm(c, nil, false, func(in partners.Input) (*partners.Partner, error) {
		return s.Partners.Create(c.UserContext(), request.Viewer(c), in)
	})
}

// reachablePartner reads the :id organisation as the user may see it.
func (s *Handlers) reachablePartner(c *fiber.Ctx) (*partners.Partner, error) {
	id, err := request.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.Partners.Get(c.UserContext(), request.Viewer(c), id)
}

// PartnerEdit shows the form of an organisation, filled in.
func (s *Handlers) PartnerEdit(c *fiber.Ctx) error {
	o, err := s.reachablePartner(c)
	if err != nil {
		return err
	}
	return s.partnerFormPage(c, fiber.StatusOK, o, false, partnerFormOf(o), nil)
}

// PartnerSave saves the form over an organisation.
func (s *Handlers) PartnerSave(c *fiber.Ctx) error {
	o, err := s.reachablePartner(c)
	if err != nil {
		return err
	}
	return s.savePartnerForm(c, o, false, func(in partners.Input) (*partners.Partner, error) {
		return s.Partners.Update(c.UserContext(), request.Viewer(c), o.ID, in)
	})
}

// --- The staff page of one organisation ---

// partnerText is a description in one language.
type partnerText struct {
	Lang, Name, Text string
}

// historyRow is one change of a partnership.
type historyRow struct {
	Status     string
	StatusCode string
	ChangedOn  civil.Date
}

// coHostedRow is an activity the organisation co-hosts.
type coHostedRow struct {
	ID         int64
	Title      string
	Starts     string // the local day
	Status     string
	StatusCode string
}

type managePartnerData struct {
	O          *partners.Partner
	Kind       string
	Region     string
	Status     string
	Texts      []partnerText
	History    []historyRow
	Next       []option // the statuses the partnership may move to
	Members    []auth.User
	Activities []coHostedRow
	Saved      bool
}

// managePartnerPage renders an organisation's page; form and errs are the
// partnership form's values and messages (nil to show it as stored).
func (s *Handlers) managePartnerPage(c *fiber.Ctx, status int, o *partners.Partner, form, errs map[string]string) error {
	p := s.Page(c, "manage_partners_title", nil)
	p.Title = o.Name
	ps := o.Partnership
	data := managePartnerData{O: o, Kind: p.L.T(partnerKindLabels[o.Kind]), Region: regionLabel(p, o.Region),
		Status: p.L.T(partnershipLabels[ps.Status]), Saved: c.Query("saved") == "1"}
	for _, code := range i18n.Supported {
		if text := o.DescriptionIn(code); text != "" {
			data.Texts = append(data.Texts, partnerText{Lang: code, Name: s.Catalog.Localizer(code).T("lang_name"), Text: text})
		}
	}
	for _, h := range o.History {
		data.History = append(data.History, historyRow{Status: p.L.T(partnershipLabels[h.Status]), StatusCode: h.Status, ChangedOn: h.ChangedOn})
	}
	if form == nil {
		form = map[string]string{"shared_goals": ps.SharedGoals, "notes": ps.Notes}
	}
	for _, st := range partners.Statuses {
		if st != ps.Status && st != partners.StatusProspective {
			data.Next = append(data.Next, option{Value: st, Label: p.L.T(partnershipLabels[st]), Selected: st == form["status"]})
		}
	}
	var err error
	if data.Members, err = s.Users.PartnerMembers(c.UserContext(), o.ID); err != nil {
		return err
	}
	ids, err := s.Partners.CoHosted(c.UserContext(), request.Viewer(c), o.ID)
	if err != nil {
		return err
	}
	hosted, err := s.Activities.List(c.UserContext(), activities.Filter{IDs: ids})
	if err != nil {
		return err
	}
	for i := range hosted {
		a := &hosted[i]
		data.Activities = append(data.Activities, coHostedRow{ID: a.ID, Title: a.TextIn(p.L.Lang, s.Catalog.Default()).Title,
			Starts: a.Day(p.L, a.StartsAt), Status: p.L.T(statusLabels[a.Status]), StatusCode: a.Status})
	}
	p.Data, p.Form, p.Errors = data, form, errs
	p.Label("status", "partnership_new_status", "changed_on", "field_changed_on", "shared_goals", "field_shared_goals", "notes", "field_notes")
	return s.Render(c, status, tplManagePartner, p)
}

// ManagePartner is an organisation's page for the staff: its profile,
// descriptions, partnership and history, members and co-hosted activities.
func (s *Handlers) ManagePartner(c *fiber.Ctx) error {
	o, err := s.reachablePartner(c)
	if err != nil {
		return err
	}
	return s.managePartnerPage(c, fiber.StatusOK, o, nil, nil)
}

// PartnershipSave changes the partnership from the organisation's page; a
// refusal shows the page again with the values as typed.
func (s *Handlers) PartnershipSave(c *fiber.Ctx) error {
	o, err := s.reachablePartner(c)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"status", "changed_on", "shared_goals", "notes"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	goals, notes := form["shared_goals"], form["notes"]
	in := partners.PartnershipInput{Status: form["status"], SharedGoals: &goals, Notes: &notes}
	errs := map[string]string{}
	if v := form["changed_on"]; v != "" {
		if in.ChangedOn, err = civil.Parse(v); err != nil {
			errs["changed_on"] = s.Localizer(c).T("error_date")
			return s.managePartnerPage(c, fiber.StatusUnprocessableEntity, o, form, errs)
		}
	}
	if _, err := s.Partners.SetPartnership(c.UserContext(), request.Viewer(c), o.ID, in); err != nil {
		if s.fieldErrors(c, err, errs) {
			return s.managePartnerPage(c, fiber.StatusUnprocessableEntity, o, form, errs)
		}
		return err
	}
	return c.Redirect(ManagePartnerPath(o.ID)+"?saved=1", fiber.StatusSeeOther)
}

// --- Co-hosts on an activity's page ---

// hostChoice is an organisation as an activity's page offers it.
type hostChoice struct {
	ID      int64
	Name    string
	Hosting bool
}

// hostChoices lists the organisations, and whether each co-hosts activity a.
func (s *Handlers) hostChoices(c *fiber.Ctx, a *activities.Activity) ([]hostChoice, error) {
	list, err := s.Partners.List(c.UserContext(), request.Viewer(c), partners.Filter{})
	if err != nil {
		return nil, err
	}
	hosting := map[int64]bool{}
	for _, id := range a.PartnerIDs() {
		hosting[id] = true
	}
	out := make([]hostChoice, len(list))
	for i, o := range list {
		out[i] = hostChoice{ID: o.ID, Name: o.Name, Hosting: hosting[o.ID]}
	}
	return out, nil
}

// ActivitySetPartners saves which organisations co-host an activity, from
// the checkboxes of its page.
func (s *Handlers) ActivitySetPartners(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	ids := []int64{}
	for _, v := range c.Request().PostArgs().PeekMulti("partner") {
		id, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return apperr.Fields{"partner_ids": {ID: "error_partner_unknown"}}.Err()
		}
		ids = append(ids, id)
	}
	if _, err := s.Activities.Update(c.UserContext(), request.ActorID(c), a.ID, activities.Input{Partners: &ids}); err != nil {
		return err
	}
	return c.Redirect(ManageActivityPath(a.ID)+"?saved=1", fiber.StatusSeeOther)
}
