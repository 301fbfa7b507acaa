package ui

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/segments"
)

// Template names of the people pages.
const (
	tplManagePeople = "manage_people"
	tplPersonForm   = "manage_person_form"
	tplPerson       = "manage_person"
)

// ManagePeoplePath is the staff list of people.
const ManagePeoplePath = "/manage/people"

// PeoplePageSize is the people of one page of the list.
const PeoplePageSize = 50

// ManagePersonPath is the staff page of a person.
func ManagePersonPath(id int64) string { return ManagePeoplePath + "/" + strconv.FormatInt(id, 10) }

// withQuery is path with the query v, if any.
func withQuery(path string, v url.Values) string {
	if q := v.Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// peopleFilterFields are the filter form's single-valued fields, which the
// form shows again as typed.
var peopleFilterFields = []string{"q", "region", "locality", "age_min", "age_max", "volunteer", "attended", "signed", "created_since"}

// personRow is a person as the list shows them.
type personRow struct {
	ID        int64
	Name      string
	Email     string
	Region    string
	Locality  string
	Volunteer bool
	Tags      []string
}

// savedRow is a saved segment as the list shows it.
type savedRow struct {
	ID    int64
	Name  string
	Href  string // "" when its query no longer reads
	Count string // in words, or why it is unknown
}

// tagChoice is a tag as the filter form offers it, in both tag filters.
type tagChoice struct {
	Name, Label string
	All, Any    bool
}

type peopleListData struct {
	Tags       []tagChoice
	TagsOpen   bool
	Regions    []regionGroup
	Localities []option
	Volunteer  []option
	Kinds      []option
	Campaigns  []option
	Valid      bool   // the filters read: the count and the list follow
	Count      string // how many people the segment holds, in words
	Rows       []personRow
	Next       string // the next page, "" on the last
	Saved      []savedRow
	Query      string   // the segment, in canonical spelling, for the save form
	Export     string   // the export of the segment
	Mailing    string   // a new mailing to the segment, for those who may write one
	Sensitive  string   // the export with sensitive attributes, for admins
	Other      []string // problems of parameters the form has no field for
	CanWrite   bool
	SavedNote  bool
}

// ManagePeople is the people list: the filter form, the count of the
// segment, a page of it, and the saved segments with their counts.
func (s *Handlers) ManagePeople(c *fiber.Ctx) error {
	v, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return apperr.New(apperr.Malformed, "error_bad_request")
	}
	return s.peoplePage(c, fiber.StatusOK, v, nil, nil)
}

// peoplePage renders the list for the query v; save and saveErrs are the
// values and messages of a refused "save this segment" form. Filters that
// do not read show the form with their messages, and a 422.
func (s *Handlers) peoplePage(c *fiber.Ctx, status int, v url.Values, save, saveErrs map[string]string) error {
	p := s.Page(c, "people_list_title", nil)
	ctx := c.UserContext()
	today := civil.Of(s.Clock().UTC())
	data := peopleListData{CanWrite: s.Can(c, access.PeopleWrite), SavedNote: v.Get("saved_segment") == "1"}
	v.Del("saved_segment")
	form, errs := map[string]string{}, map[string]string{}
	for _, k := range peopleFilterFields {
		form[k] = strings.TrimSpace(v.Get(k))
	}
	filter, err := segments.Parse(v, "cursor", "lang")
	var after int64
	if cur := v.Get("cursor"); err == nil && cur != "" {
		if after, err = strconv.ParseInt(cur, 10, 64); err != nil || after < 0 {
			err = apperr.Fields{"cursor": {ID: "error_filter_cursor"}}.Err()
		}
	}
	if err != nil {
		if !s.fieldErrors(c, err, errs) {
			return err
		}
		for k, msg := range errs {
			if !slices.Contains(peopleFilterFields, k) && k != "tag" && k != "any_tag" {
				data.Other = append(data.Other, k+": "+msg)
			}
		}
		slices.Sort(data.Other)
		if status == fiber.StatusOK {
			status = fiber.StatusUnprocessableEntity
		}
	} else {
		data.Valid = true
		n, err := s.Segments.Count(ctx, filter, today)
		if err != nil {
			return err
		}
		data.Count = p.L.Plural("people_count", int(n))
		page, err := s.Segments.List(ctx, filter, today, after, PeoplePageSize)
		if err != nil {
			return err
		}
		for i := range page.People {
			data.Rows = append(data.Rows, s.personRow(p, &page.People[i], page.Tags[page.People[i].ID]))
		}
		canonical := filter.Values()
		data.Query = canonical.Encode()
		if page.Next != 0 {
			next := filter.Values()
			next.Set("cursor", strconv.FormatInt(page.Next, 10))
			data.Next = withQuery(ManagePeoplePath, next)
		}
		data.Export = withQuery(ManagePeoplePath+"/export", canonical)
		if s.Can(c, access.MailingsWrite) {
			data.Mailing = withQuery(ManageMailingsPath+"/new", url.Values{"query": {data.Query}})
		}
		if s.Can(c, access.PeopleAdmin) {
			sens := filter.Values()
			sens.Set("sensitive", "true")
			data.Sensitive = withQuery(ManageSensitiveExportPath, sens)
		}
	}

	// The form: every filter as typed.
	tags, err := s.People.TagNames(ctx)
	if err != nil {
		return err
	}
	all, anyOf := tagSet(v["tag"]), tagSet(v["any_tag"])
	for t := range all {
		tags = append(tags, t)
	}
	for t := range anyOf {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	for _, t := range slices.Compact(tags) {
		data.Tags = append(data.Tags, tagChoice{Name: t, Label: tagLabel(p.L, t), All: all[t], Any: anyOf[t]})
	}
	data.TagsOpen = len(all)+len(anyOf) > 0 || errs["tag"] != "" || errs["any_tag"] != ""
	data.Regions = regionGroups(p, form["region"])
	data.Localities = options([]string{people.Urban, people.Rural}, localityLabels, p, form["locality"])
	data.Volunteer = []option{{Value: "true", Label: p.L.T("people_volunteer_yes"), Selected: request.OneOf(form["volunteer"], []string{"true", "yes", "1"})},
		{Value: "false", Label: p.L.T("people_volunteer_no"), Selected: request.OneOf(form["volunteer"], []string{"false", "no", "0"})}}
	data.Kinds = options(activities.Kinds, kindLabels, p, form["attended"])
	camps, err := s.campaignTitles(c, p)
	if err != nil {
		return err
	}
	for _, k := range camps {
		id := strconv.FormatInt(k.ID, 10)
		data.Campaigns = append(data.Campaigns, option{Value: id, Label: k.Title, Selected: id == form["signed"]})
	}

	saved, err := s.Segments.ListSaved(ctx, today)
	if err != nil {
		return err
	}
	for _, x := range saved {
		row := savedRow{ID: x.ID, Name: x.Name, Href: ManagePeoplePath, Count: p.L.T("segment_count_unknown")}
		switch {
		case x.Unreadable:
			// No link: the page would only refuse the query.
			row.Href, row.Count = "", p.L.T("segment_unreadable")
		case x.Query != "":
			row.Href += "?" + x.Query
		}
		if x.Count != nil {
			row.Count = p.L.Plural("people_count", int(*x.Count))
		}
		data.Saved = append(data.Saved, row)
	}
	for k, msg := range saveErrs {
		if k == "name" {
			errs[k] = msg
		} else {
			data.Other = append(data.Other, k+": "+msg)
		}
	}
	for k, val := range save {
		form[k] = val
	}
	p.Data, p.Form, p.Errors = data, form, errs
	return s.Render(c, status, tplManagePeople, p)
}

// tagSet is the tags of a filter parameter in stored form.
func tagSet(values []string) map[string]bool {
	out := map[string]bool{}
	for _, t := range values {
		if n := people.TagName(t); n != "" {
			out[n] = true
		}
	}
	return out
}

// fullName is a person's full name.
func fullName(p *people.Person) string {
	return strings.TrimSpace(p.GivenName + " " + p.FamilyName)
}

// personRow is a person as the list shows them, in the page's language.
func (s *Handlers) personRow(p *request.Page, x *people.Person, tags []string) personRow {
	row := personRow{ID: x.ID, Name: fullName(x), Region: regionLabel(p, x.Region), Volunteer: x.Volunteer, Tags: tagLabels(p.L, tags)}
	if x.Email != nil {
		row.Email = *x.Email
	}
	if id, ok := localityLabels[x.Locality]; ok {
		row.Locality = p.L.T(id)
	}
	return row
}

// SegmentSave keeps the list's segment under a name; a refusal shows the
// list again with the message beside the name.
func (s *Handlers) SegmentSave(c *fiber.Ctx) error {
	name, query := c.FormValue("name"), c.FormValue("query")
	saved, err := s.Segments.Save(c.UserContext(), request.ActorID(c), name, query)
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) || len(ae.Fields) == 0 {
			return err
		}
		errs := map[string]string{}
		l := s.Localizer(c)
		for k, m := range ae.Fields {
			errs[k] = l.T(m.ID, m.Args...)
		}
		v, perr := url.ParseQuery(query)
		if perr != nil {
			v = url.Values{}
		}
		return s.peoplePage(c, request.StatusOf[ae.Kind], v, map[string]string{"name": name}, errs)
	}
	v := url.Values{}
	if saved.Query != "" {
		v, _ = url.ParseQuery(saved.Query)
	}
	v.Set("saved_segment", "1")
	return c.Redirect(withQuery(ManagePeoplePath, v), fiber.StatusSeeOther)
}

// SegmentDelete forgets a saved segment and goes back to the list.
func (s *Handlers) SegmentDelete(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.Segments.DeleteSaved(c.UserContext(), request.ActorID(c), id); err != nil {
		return err
	}
	return c.Redirect(ManagePeoplePath, fiber.StatusSeeOther)
}

// --- The person form ---

// personFormFields are the form's fields besides the checkboxes.
var personFormFields = []string{"given_name", "family_name", "email", "phone", "birth_year", "region", "locality", "locale", "handle", "tags"}

// readPersonForm takes the posted fields, each trimmed; checkboxes are
// "yes" when ticked.
func readPersonForm(c *fiber.Ctx) map[string]string {
	form := map[string]string{}
	for _, k := range personFormFields {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	for _, k := range []string{"volunteer", "consent", "news"} {
		if c.FormValue(k) == "yes" {
			form[k] = "yes"
		}
	}
	return form
}

// personFormInput maps the form to a person's input. A birth year that is
// not a number is given as 0, which validation refuses with its message;
// tags are separated by commas.
func personFormInput(form map[string]string) people.Input {
	in := people.Input{GivenName: form["given_name"], FamilyName: form["family_name"], Email: form["email"], Phone: form["phone"],
		Region: form["region"], Locality: form["locality"], Locale: form["locale"], Handle: form["handle"],
		Volunteer: form["volunteer"] == "yes", Tags: []string{}}
	if y := form["birth_year"]; y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			n = 0
		}
		in.BirthYear = &n
	}
	for _, t := range strings.Split(form["tags"], ",") {
		if t = strings.TrimSpace(t); t != "" {
			in.Tags = append(in.Tags, t)
		}
	}
	return in
}

// personFormOf fills the form from a person as stored.
func personFormOf(p *people.Profile) map[string]string {
	in := p.Input()
	form := map[string]string{"given_name": in.GivenName, "family_name": in.FamilyName, "email": in.Email, "phone": in.Phone,
		"region": in.Region, "locality": in.Locality, "locale": in.Locale, "handle": in.Handle, "tags": strings.Join(in.Tags, ", ")}
	if in.BirthYear != nil {
		form["birth_year"] = strconv.Itoa(*in.BirthYear)
	}
	if in.Volunteer {
		form["volunteer"] = "yes"
	}
	if p.News() {
		form["news"] = "yes"
	}
	return form
}

type personFormData struct {
	Action     string
	Back       string
	New        bool
	Regions    []regionGroup
	Localities []option
	Locales    []option
}

// personFormPage renders the person form; cur is the person edited, nil
// for a new one.
func (s *Handlers) personFormPage(c *fiber.Ctx, status int, cur *people.Profile, form, errs map[string]string) error {
	p := s.Page(c, "person_new_title", nil)
	data := personFormData{Action: ManagePeoplePath, Back: ManagePeoplePath, New: cur == nil}
	if cur != nil {
		data.Action, data.Back = ManagePersonPath(cur.ID), ManagePersonPath(cur.ID)
		p.Title = p.L.T("person_edit_title", "Name", fullName(&cur.Person))
	}
	data.Regions = regionGroups(p, form["region"])
	data.Localities = options([]string{people.Urban, people.Rural}, localityLabels, p, form["locality"])
	for _, code := range i18n.Supported {
		data.Locales = append(data.Locales, option{Value: code, Label: s.Catalog.Localizer(code).T("lang_name"), Selected: code == form["locale"]})
	}
	p.Data, p.Form, p.Errors = data, form, errs
	p.Label("given_name", "field_given_name", "family_name", "field_family_name", "email", "field_email", "phone", "person_phone",
		"birth_year", "field_birth_year", "region", "field_region", "locality", "people_locality", "locale", "field_locale",
		"handle", "person_handle", "tags", "person_tags_field", "consent", "person_consent_field", "news", "person_news_field")
	return s.Render(c, status, tplPersonForm, p)
}

// PersonNew shows an empty person form.
func (s *Handlers) PersonNew(c *fiber.Ctx) error {
	return s.personFormPage(c, fiber.StatusOK, nil, map[string]string{}, nil)
}

// savePersonForm saves the posted form with save, which gets whether the
// consent and the consent to news are ticked; a refusal shows the form
// again with the values as typed and the messages beside their fields.
func (s *Handlers) savePersonForm(c *fiber.Ctx, cur *people.Profile, save func(in people.Input, consent, news bool) (*people.Profile, error)) error {
	form := readPersonForm(c)
	p, err := save(personFormInput(form), form["consent"] == "yes", form["news"] == "yes")
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) || len(ae.Fields) == 0 {
			return err
		}
		errs := map[string]string{}
		l := s.Localizer(c)
		for k, m := range ae.Fields {
			errs[k] = l.T(m.ID, m.Args...)
		}
		return s.personFormPage(c, request.StatusOf[ae.Kind], cur, form, errs)
	}
	return c.Redirect(ManagePersonPath(p.ID)+"?saved=1", fiber.StatusSeeOther)
}

// PersonCreate stores a new person from the form.
func (s *Handlers) PersonCreate(c *fiber.Ctx) error {
	return s.savePersonForm(c, nil, func(in people.Input, consent, news bool) (*people.Profile, error) {
		return s.People.Create(c.UserContext(), request.ActorID(c), in, consent, news)
	})
}

// reachablePerson reads the :id person.
func (s *Handlers) reachablePerson(c *fiber.Ctx) (*people.Profile, error) {
	id, err := request.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.People.Get(c.UserContext(), id)
}

// PersonEdit shows the form of a person, filled in.
func (s *Handlers) PersonEdit(c *fiber.Ctx) error {
	cur, err := s.reachablePerson(c)
	if err != nil {
		return err
	}
	return s.personFormPage(c, fiber.StatusOK, cur, personFormOf(cur), nil)
}

// PersonSave saves the form over a person; the news box, ticked or not,
// records consent to news given or withdrawn when that changes it.
func (s *Handlers) PersonSave(c *fiber.Ctx) error {
	cur, err := s.reachablePerson(c)
	if err != nil {
		return err
	}
	return s.savePersonForm(c, cur, func(in people.Input, _, news bool) (*people.Profile, error) {
		return s.People.Change(c.UserContext(), request.ActorID(c), cur.ID, func(stored *people.Input) (people.Consents, error) {
			*stored = in
			return people.Consents{News: &news}, nil
		})
	})
}

// --- The person page ---

// consentRow is one line of the consent history.
type consentRow struct {
	Given   bool
	Label   string
	Purpose string
	Source  string
	Version string
	At      time.Time
}

// personRegRow is one registration of the person.
type personRegRow struct {
	ActivityID int64
	Title      string
	Kind       string
	Starts     string // the local day
	Status     string
	StatusCode string
	Seat       string
	Attended   string
}

// personSigRow is one signature of the person.
type personSigRow struct {
	Slug       string
	Title      string
	CampaignID int64
	Campaign   string
	SignedAt   time.Time
}

// personHostRow is a partners' activity the person joined.
type personHostRow struct {
	ActivityID int64
	Title      string
	Starts     string // the local day
	Partners   string
}

// sensitiveView is a person's sensitive attributes, opened on request.
type sensitiveView struct {
	Disability, Minority, LGBTI, Needs string
}

type personPageData struct {
	P             *people.Profile
	Name          string
	Region        string
	Locality      string
	Locale        string
	Tags          []string // labels
	Consenting    bool
	News          bool // consent to news stands
	Current       bool // the standing consent is to the current text
	Consents      []consentRow
	Registrations []personRegRow
	Signatures    []personSigRow
	CoHosted      []personHostRow
	Sensitive     *sensitiveView
	Path          pathView
	CanWrite      bool
	CanSensitive  bool
	Saved         bool
	ConsentSaved  bool
}

// Labels of the person page's vocabularies.
var (
	consentSourceLabels = map[string]string{people.ConsentRegistration: "person_consent_source_registration",
		people.ConsentPetition: "person_consent_source_petition", people.ConsentImport: "person_consent_source_import",
		people.ConsentStaff: "person_consent_source_staff", people.ConsentSelf: "person_consent_source_self",
		people.ConsentUnsubscribe: "person_consent_source_unsubscribe"}
	consentPurposeLabels = map[string]string{people.ConsentToData: "person_consent_purpose_data",
		people.ConsentOfGuardian: "person_consent_purpose_guardian", people.ConsentToNews: "person_consent_purpose_news"}
	personRegLabels = map[string]string{"confirmed": "person_reg_confirmed", "waitlisted": "person_reg_waitlisted",
		"cancelled": "person_reg_cancelled", "applied": "person_reg_applied", "declined": "person_reg_declined"}
)

// personPageView renders a person's page; sens, when not nil, shows the
// sensitive attributes just opened.
func (s *Handlers) personPageView(c *fiber.Ctx, cur *people.Profile, sens *people.Sensitive) error {
	p := s.Page(c, "people_list_title", nil)
	l, def := p.L, s.Catalog.Default()
	data := personPageData{P: cur, Name: fullName(&cur.Person), Region: regionLabel(p, cur.Region), Tags: tagLabels(l, cur.Tags), Consenting: cur.Consenting(),
		News: cur.News(), CanWrite: s.Can(c, access.PeopleWrite), CanSensitive: s.Can(c, access.PeopleRead),
		Saved: c.Query("saved") == "1", ConsentSaved: c.Query("consent") == "1"}
	p.Title = data.Name
	if id, ok := localityLabels[cur.Locality]; ok {
		data.Locality = l.T(id)
	}
	if i18n.IsSupported(cur.Locale) {
		data.Locale = s.Catalog.Localizer(cur.Locale).T("lang_name")
	}
	version := cur.ConsentVersion
	if k := people.Latest(cur.Consents, people.ConsentToData); k != nil {
		version = k.Version
	}
	data.Current = data.Consenting && version == people.ConsentVersion
	for _, k := range cur.Consents {
		row := consentRow{Given: k.Given, Label: l.T("person_consent_withdrawn_label"), Purpose: k.Purpose, Source: k.Source, Version: k.Version, At: k.At}
		if id, ok := consentPurposeLabels[k.Purpose]; ok {
			row.Purpose = l.T(id)
		}
		if k.Given {
			row.Label = l.T("person_consent_given_label")
		}
		if id, ok := consentSourceLabels[k.Source]; ok {
			row.Source = l.T(id)
		}
		data.Consents = append(data.Consents, row)
	}
	inv, err := s.People.Involvement(c.UserContext(), cur.ID)
	if err != nil {
		return err
	}
	for _, r := range inv.Registrations {
		row := personRegRow{ActivityID: r.ActivityID, Title: r.Titles.In(l.Lang, def), Kind: l.T(kindLabels[r.Kind]), Starts: activities.DayIn(l, r.Timezone, r.StartsAt),
			Status: l.T(personRegLabels[r.Status]), StatusCode: r.Status, Seat: "—", Attended: "—"}
		if r.Status == "confirmed" {
			// A seat of a sensitive quota would tell what the person
			// declared: it reads as on the activity's page.
			switch {
			case r.Pool != nil && quota.Valid(*r.Pool) && !quota.Sensitive(quota.Attribute(*r.Pool)):
				row.Seat = l.T(quota.Label(quota.Attribute(*r.Pool)))
			case r.Confidential:
				row.Seat = l.T("pool_confidential")
			default:
				row.Seat = l.T("pool_general")
			}
			switch {
			case r.Attended == nil:
				row.Attended = l.T("attended_unknown")
			case *r.Attended:
				row.Attended = l.T("attended_yes")
			default:
				row.Attended = l.T("attended_no")
			}
		}
		data.Registrations = append(data.Registrations, row)
	}
	journey, err := s.Path.Of(c.UserContext(), cur.ID)
	if err != nil {
		return err
	}
	data.Path = pathViewOf(p, def, journey, "path_heading", "path_none", true)
	for _, sg := range inv.Signatures {
		data.Signatures = append(data.Signatures, personSigRow{Slug: sg.Slug, Title: sg.Titles.In(l.Lang, def), CampaignID: sg.CampaignID,
			Campaign: sg.CampaignTitles.In(l.Lang, def), SignedAt: sg.SignedAt})
	}
	for _, h := range inv.CoHosted {
		data.CoHosted = append(data.CoHosted, personHostRow{ActivityID: h.ActivityID, Title: h.Titles.In(l.Lang, def), Starts: activities.DayIn(l, h.Timezone, h.StartsAt),
			Partners: strings.Join(h.Partners, ", ")})
	}
	if sens != nil {
		yesNo := func(b *bool) string {
			switch {
			case b == nil:
				return l.T("person_not_declared")
			case *b:
				return l.T("person_yes")
			}
			return l.T("person_no")
		}
		v := &sensitiveView{Disability: yesNo(sens.Disability), Minority: yesNo(sens.Minority), LGBTI: yesNo(sens.LGBTI),
			Needs: l.T("person_not_declared")}
		if sens.AccessibilityNeeds != nil {
			v.Needs = *sens.AccessibilityNeeds
		}
		data.Sensitive = v
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplPerson, p)
}

// PersonPage is a person's page for the staff: details, tags, consent
// history, registrations, their path, signatures and the partners'
// activities joined.
func (s *Handlers) PersonPage(c *fiber.Ctx) error {
	cur, err := s.reachablePerson(c)
	if err != nil {
		return err
	}
	return s.personPageView(c, cur, nil)
}

// PersonSensitive shows the person's page with their sensitive attributes
// opened; the opening is audited.
func (s *Handlers) PersonSensitive(c *fiber.Ctx) error {
	cur, err := s.reachablePerson(c)
	if err != nil {
		return err
	}
	sens, err := s.People.ReadSensitive(c.UserContext(), request.ActorID(c), cur.ID)
	if err != nil {
		return err
	}
	return s.personPageView(c, cur, &sens)
}

// PersonConsent records, from the person's page, consent given (given=yes)
// or withdrawn (given=no) as staff heard it.
func (s *Handlers) PersonConsent(c *fiber.Ctx) error {
	cur, err := s.reachablePerson(c)
	if err != nil {
		return err
	}
	var given bool
	switch c.FormValue("given") {
	case "yes":
		given = true
	case "no":
	default:
		return apperr.Fields{"given": {ID: "error_filter_boolean"}}.Err()
	}
	if _, err := s.People.SetConsent(c.UserContext(), request.ActorID(c), cur.ID, given); err != nil {
		return err
	}
	return c.Redirect(ManagePersonPath(cur.ID)+"?consent=1", fiber.StatusSeeOther)
}
