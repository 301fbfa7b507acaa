package ui

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/registration"
)

// Labels of the staff-only vocabularies, by value.
var (
	statusLabels   = map[string]string{activities.StatusDraft: "status_draft", activities.StatusPublished: "status_published", activities.StatusCancelled: "status_cancelled", activities.StatusCompleted: "status_completed"}
	audienceLabels = map[string]string{activities.AudienceYouth: "audience_youth", activities.AudienceStaff: "audience_staff"}
	// transitions are the status changes each status allows, with the
	// label of the button that makes them (activities.Store.SetStatus).
	transitions = map[string][]transition{
		activities.StatusDraft:     {{activities.StatusPublished, "action_publish"}, {activities.StatusCancelled, "action_cancel_activity"}},
		activities.StatusPublished: {{activities.StatusCancelled, "action_cancel_activity"}, {activities.StatusCompleted, "action_complete"}},
	}
)

type transition struct{ Status, Label string }

// ManageActivityPath is the manage page of an activity.
func ManageActivityPath(id int64) string { return "/manage/activities/" + strconv.FormatInt(id, 10) }

// manageRow is an activity as the staff list shows it.
type manageRow struct {
	ID         int64
	Title      string
	Kind       string
	Status     string
	StatusCode string
	Starts     string // the local day
	Capacity   int
	Discreet   bool
	registration.Tally
}

type manageListData struct {
	Rows     []manageRow
	CanWrite bool
}

// ManageActivities lists every activity, whatever its status, with its
// seat counts; a facilitator sees only the activities they lead.
func (s *Handlers) ManageActivities(c *fiber.Ctx) error {
	list, err := s.Activities.ListAs(c.UserContext(), request.Viewer(c), activities.Filter{})
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	tallies, err := s.Registrations.Tallies(c.UserContext(), request.Viewer(c), ids)
	if err != nil {
		return err
	}
	p := s.Page(c, "manage_activities_title", nil)
	data := manageListData{CanWrite: s.Can(c, access.ActivitiesWrite)}
	for i := range list {
		a := &list[i]
		data.Rows = append(data.Rows, manageRow{ID: a.ID, Title: a.TextIn(p.L.Lang, s.Catalog.Default()).Title,
			Kind: p.L.T(kindLabels[a.Kind]), Status: p.L.T(statusLabels[a.Status]), StatusCode: a.Status,
			Starts: a.Day(p.L, a.StartsAt), Capacity: a.Capacity, Discreet: a.Discreet, Tally: tallies[a.ID]})
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplManageActivities, p)
}

// --- The activity form ---

// quotaRows is how many quota rules the form offers.
const quotaRows = 3

// FormTime is how an <input type="datetime-local"> writes a time; the form
// reads and writes it in the activity's zone, as its clocks show it.
const FormTime = "2006-01-02T15:04"

// errTimeGap: the clocks of the zone skip the time given (daylight saving
// time starts).
var errTimeGap = errors.New("ui: no such time in the zone")

func formatFormTime(t *time.Time, loc *time.Location) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(loc).Format(FormTime)
}

// ParseFormTime reads a datetime-local value (with or without seconds) as
// the clocks of loc show it (activities.InZone): a time they skip is
// errTimeGap, one they show twice the first of the two.
func ParseFormTime(v string, loc *time.Location) (time.Time, error) {
	wall, err := time.ParseInLocation(FormTime, v, time.UTC)
	if err != nil {
		wall, err = time.ParseInLocation(FormTime+":05", v, time.UTC)
	}
	if err != nil {
		return time.Time{}, err
	}
	t, ok := activities.InZone(wall, loc)
	if !ok {
		return time.Time{}, errTimeGap
	}
	return t, nil
}

// formTimeError is the message of a time that did not parse.
func formTimeError(err error) string {
	if errors.Is(err, errTimeGap) {
		return "error_time_gap"
	}
	return "error_datetime"
}

func formInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// activityFormFields are the names of the form's single-line and select
// fields; the texts and quota rules are named per language and per row.
var activityFormFields = []string{"kind", "audience", "mode", "region", "timezone", "venue", "online_url", "slug",
	"starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "capacity", "age_min", "age_max",
	"discreet", "guardian_age", "reminder_hours", "registration_mode", "safety_pack", "safety_days_before", "hours"}

func textField(name, lang string) string { return name + "_" + lang }

func quotaField(name string, row int) string { return "quota_" + name + "_" + strconv.Itoa(row) }

// readActivityForm takes the posted fields, each trimmed.
func readActivityForm(c *fiber.Ctx) map[string]string {
	form := map[string]string{}
	for _, k := range activityFormFields {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	for _, lang := range i18n.Supported {
		for _, k := range []string{"title", "summary", "description"} {
			form[textField(k, lang)] = strings.TrimSpace(c.FormValue(textField(k, lang)))
		}
	}
	for row := 1; row <= quotaRows; row++ {
		for _, k := range []string{"attribute", "share", "release"} {
			form[quotaField(k, row)] = strings.TrimSpace(c.FormValue(quotaField(k, row)))
		}
	}
	readQuestionRows(c, form)
	return form
}

// ActivityFormOf fills the form from an activity as stored, its times in
// its zone. A zone that is its region's shows as "the region's" (empty), so
// that a change of region moves it too.
func ActivityFormOf(a *activities.Activity) map[string]string {
	loc, zone := a.Location(), a.Timezone
	if zone == regions.Zone(a.Region) {
		zone = ""
	}
	form := map[string]string{"kind": a.Kind, "audience": a.Audience, "mode": a.Mode, "region": a.Region, "timezone": zone,
		"venue": a.Venue, "online_url": a.OnlineURL, "slug": a.Slug,
		"starts_at": formatFormTime(&a.StartsAt, loc), "ends_at": formatFormTime(&a.EndsAt, loc),
		"registration_opens_at": formatFormTime(a.RegistrationOpensAt, loc), "registration_closes_at": formatFormTime(a.RegistrationClosesAt, loc),
		"capacity": strconv.Itoa(a.Capacity), "age_min": formInt(a.AgeMin), "age_max": formInt(a.AgeMax),
		"guardian_age": formInt(a.GuardianAge), "reminder_hours": strconv.Itoa(a.ReminderHours),
		"registration_mode": a.RegistrationMode, "safety_days_before": strconv.Itoa(a.SafetyDaysBefore)}
	if m := a.CreditMinutes; m != nil {
		// To the hundredth, which still reads back as the same minute.
		form["hours"] = strconv.FormatFloat(math.Round(float64(*m)/60*100)/100, 'f', -1, 64)
	}
	if a.Discreet {
		form["discreet"] = "yes"
	}
	if a.SafetyPack {
		form["safety_pack"] = "yes"
	}
	for _, t := range a.Translations {
		form[textField("title", t.Locale)] = t.Title
		form[textField("summary", t.Locale)] = t.Summary
		form[textField("description", t.Locale)] = t.Description
	}
	for i, q := range a.Quotas {
		if i >= quotaRows {
			break
		}
		row := i + 1
		form[quotaField("attribute", row)] = string(q.Attribute)
		form[quotaField("share", row)] = strconv.FormatFloat(math.Round(q.Share*10000)/100, 'f', -1, 64)
		form[quotaField("release", row)] = formatFormTime(q.ReleaseAt, loc)
	}
	questionRowsOf(a, form)
	return form
}

// parseActivityForm maps the form to the store's input. A value that does
// not parse is a field error here and is left out of the input. current is
// the activity being edited, nil for a new one; zone is the zone the times
// are in (the one chosen, the region's or the portal's: Store.Zone). rows
// are the form rows of the questions saved (parseQuestionRows).
func parseActivityForm(form map[string]string, current *activities.Activity, zone string) (activities.Input, apperr.Fields, []int) {
	f := apperr.Fields{}
	str := func(k string) *string { v := form[k]; return &v }
	discreet, safety := form["discreet"] == "yes", form["safety_pack"] == "yes"
	in := activities.Input{Kind: str("kind"), Audience: str("audience"), Mode: str("mode"), Region: str("region"),
		Timezone: str("timezone"), Venue: str("venue"), OnlineURL: str("online_url"), Discreet: &discreet, SafetyPack: &safety}
	if form["registration_mode"] != "" { // empty: open for a new activity, kept for one edited
		in.RegistrationMode = str("registration_mode")
	}
	loc, ok := activities.LoadZone(zone)
	if !ok {
		// The store refuses the zone; the times are still read, to be
		// checked for their own form.
		f.Add("timezone", "error_timezone_unknown")
		loc = time.UTC
	}
	if form["slug"] != "" { // empty: made from the title, or kept
		in.Slug = str("slug")
	}
	times := []struct {
		field    string
		dst      **time.Time
		optional bool
	}{
		{"starts_at", &in.StartsAt, false}, {"ends_at", &in.EndsAt, false},
		{"registration_opens_at", &in.RegistrationOpensAt, true}, {"registration_closes_at", &in.RegistrationClosesAt, true},
	}
	for _, t := range times {
		v := form[t.field]
		if v == "" {
			if t.optional {
				in.Unset = append(in.Unset, t.field)
			}
			continue
		}
		parsed, err := ParseFormTime(v, loc)
		if err != nil {
			f.Add(t.field, formTimeError(err))
			continue
		}
		*t.dst = &parsed
	}
	if v := form["capacity"]; v != "" {
		if n, err := strconv.Atoi(v); err != nil {
			f.Add("capacity", "error_capacity_range", "Max", activities.MaxCapacity)
		} else {
			in.Capacity = &n
		}
	}
	for _, age := range []struct {
		field string
		dst   **int
	}{{"age_min", &in.AgeMin}, {"age_max", &in.AgeMax}} {
		v := form[age.field]
		if v == "" {
			in.Unset = append(in.Unset, age.field)
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Add(age.field, "error_age_value")
			continue
		}
		*age.dst = &n
	}
	// An empty guardian age takes the portal's default, an empty reminder
	// the usual 48 hours (0 says "none").
	if v := form["guardian_age"]; v == "" {
		in.Unset = append(in.Unset, "guardian_age")
	} else if n, err := strconv.Atoi(v); err != nil {
		f.Add("guardian_age", "error_guardian_age_range", "Max", activities.MaxGuardianAge)
	} else {
		in.GuardianAge = &n
	}
	if v := form["reminder_hours"]; v == "" {
		hours := activities.DefaultReminderHours
		in.ReminderHours = &hours
	} else if n, err := strconv.Atoi(v); err != nil {
		f.Add("reminder_hours", "error_reminder_hours_range", "Max", activities.MaxReminderHours)
	} else {
		in.ReminderHours = &n
	}
	if v := form["safety_days_before"]; v == "" {
		days := activities.DefaultSafetyDaysBefore
		in.SafetyDaysBefore = &days
	} else if n, err := strconv.Atoi(v); err != nil {
		f.Add("safety_days_before", "error_safety_days_before_range", "Max", activities.MaxSafetyDaysBefore)
	} else {
		in.SafetyDaysBefore = &n
	}
	// Empty hours count the duration; a decimal comma is read as a point.
	if v := form["hours"]; v == "" {
		in.Unset = append(in.Unset, "hours")
	} else if h, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64); err != nil {
		f.Add("hours", "error_hours_range", "Max", activities.MaxCreditMinutes/60)
	} else {
		in.Hours = &h
	}
	had := map[string]bool{}
	if current != nil {
		for _, t := range current.Translations {
			had[t.Locale] = true
		}
	}
	in.Title, in.Summary, in.Description = map[string]string{}, map[string]string{}, map[string]string{}
	for _, lang := range i18n.Supported {
		title, summary, desc := form[textField("title", lang)], form[textField("summary", lang)], form[textField("description", lang)]
		// A language left empty is not written, unless it is there to be emptied.
		if title == "" && summary == "" && desc == "" && !had[lang] {
			continue
		}
		in.Title[lang], in.Summary[lang], in.Description[lang] = title, summary, desc
	}
	quotas := []activities.QuotaInput{}
	for row := 1; row <= quotaRows; row++ {
		attr, share, release := form[quotaField("attribute", row)], form[quotaField("share", row)], form[quotaField("release", row)]
		if attr == "" && share == "" && release == "" {
			continue
		}
		q := activities.QuotaInput{Attribute: quota.Attribute(attr)}
		ok := true
		if attr == "" {
			f.Add(quotaField("attribute", row), "error_quota_attribute")
			ok = false
		}
		pct, err := strconv.ParseFloat(share, 64)
		if err != nil || math.IsNaN(pct) || pct < 1 || pct > 100 {
			f.Add(quotaField("share", row), "error_quota_percent")
			ok = false
		}
		q.Share = pct / 100
		if release != "" {
			t, err := ParseFormTime(release, loc)
			if err != nil {
				f.Add(quotaField("release", row), formTimeError(err))
				ok = false
			}
			q.ReleaseAt = &t
		}
		if ok {
			quotas = append(quotas, q)
		}
	}
	in.Quotas = &quotas
	var rows []int
	in.Questions, rows = parseQuestionRows(form, f)
	return in, f, rows
}

// formLang is one language's fieldset of texts.
type formLang struct {
	Code, Name string
	First      bool
}

// quotaRow is one quota rule's row of the form.
type quotaRow struct {
	N          int
	Attributes []option
}

type activityFormData struct {
	ID        int64 // 0 for a new activity
	Action    string
	Kinds     []option
	Audiences []option
	Modes     []option
	RegModes  []option // registration modes
	Regions   []regionGroup
	Zones     []option
	Langs     []formLang
	Quotas    []quotaRow
	Questions []questionFormRow
	// GuardianAge, ReminderHours and SafetyDaysBefore are what an empty
	// field takes.
	GuardianAge, ReminderHours, SafetyDaysBefore          int
	MaxGuardianAge, MaxReminderHours, MaxSafetyDaysBefore int
	MaxHours                                              int // what an activity may count for
	// RetainDays is what an empty retention of a question takes.
	RetainDays, MaxRetainDays int
}

// quotaOptions are the quota attributes as the choices of a rule's row.
func quotaOptions(p *request.Page, selected string) []option {
	var out []option
	for _, a := range quota.All() {
		out = append(out, option{Value: string(a), Label: p.L.T(quota.Label(a)), Selected: string(a) == selected})
	}
	return out
}

// zoneOptions are the zones the form offers: the region's first (empty),
// then every zone the portal names, and the one selected if it is another.
func (s *Handlers) zoneOptions(p *request.Page, selected string) []option {
	out := []option{{Value: "", Label: p.L.T("zone_from_region", "Zone", activities.ZoneName(p.L, s.Config.Timezone)), Selected: selected == ""}}
	found := selected == ""
	for _, z := range activities.NamedZones() {
		out = append(out, option{Value: z, Label: activities.ZoneName(p.L, z) + " (" + z + ")", Selected: z == selected})
		found = found || z == selected
	}
	if !found {
		out = append(out, option{Value: selected, Label: activities.ZoneName(p.L, selected), Selected: true})
	}
	return out
}

// activityFormPage renders the activity form with the values and messages given.
func (s *Handlers) activityFormPage(c *fiber.Ctx, status int, a *activities.Activity, form, errs map[string]string) error {
	p := s.Page(c, "manage_activity_new_title", nil)
	data := activityFormData{Action: "/manage/activities", GuardianAge: s.Config.GuardianAge, ReminderHours: activities.DefaultReminderHours,
		MaxGuardianAge: activities.MaxGuardianAge, MaxReminderHours: activities.MaxReminderHours,
		RetainDays: activities.DefaultRetainDays, MaxRetainDays: activities.MaxRetainDays,
		SafetyDaysBefore: activities.DefaultSafetyDaysBefore, MaxSafetyDaysBefore: activities.MaxSafetyDaysBefore,
		MaxHours: activities.MaxCreditMinutes / 60}
	if a != nil {
		data.ID, data.Action = a.ID, ManageActivityPath(a.ID)
		p.Title = p.L.T("manage_activity_edit_title", "Title", a.TextIn(p.L.Lang, s.Catalog.Default()).Title)
	}
	data.Kinds = options(activities.Kinds, kindLabels, p, form["kind"])
	data.Audiences = options(activities.Audiences, audienceLabels, p, form["audience"])
	data.Modes = options(activities.Modes, modeLabels, p, form["mode"])
	data.RegModes = options(activities.RegistrationModes, registrationModeLabels, p, form["registration_mode"])
	data.Regions = regionGroups(p, form["region"])
	data.Zones = s.zoneOptions(p, form["timezone"])
	for i, code := range i18n.Supported {
		data.Langs = append(data.Langs, formLang{Code: code, Name: s.Catalog.Localizer(code).T("lang_name"), First: i == 0})
	}
	for row := 1; row <= quotaRows; row++ {
		data.Quotas = append(data.Quotas, quotaRow{N: row,
			Attributes: quotaOptions(p, form[quotaField("attribute", row)])})
	}
	p.Data, p.Form, p.Errors = data, form, errs
	p.Label("kind", "field_kind", "audience", "field_audience", "mode", "field_mode", "region", "field_region", "timezone", "field_timezone",
		"venue", "field_venue", "online_url", "field_online_url", "starts_at", "field_starts_at", "ends_at", "field_ends_at",
		"registration_opens_at", "field_registration_opens_at", "registration_closes_at", "field_registration_closes_at",
		"reminder_hours", "field_reminder_hours", "capacity", "field_capacity", "age_min", "field_age_min",
		"age_max", "field_age_max", "guardian_age", "field_guardian_age", "registration_mode", "field_registration_mode",
		"safety_pack", "field_safety_pack", "safety_days_before", "field_safety_days_before", "hours", "field_hours")
	p.Fields = append(p.Fields, request.Field{Key: "quotas", Label: p.L.T("manage_quotas"), Target: "f-" + quotaField("attribute", 1)})
	for row := 1; row <= quotaRows; row++ {
		rule := p.L.T("manage_quota_rule", "N", row)
		for _, f := range []struct{ name, label string }{{"attribute", "field_quota_attribute"}, {"share", "field_quota_share"}, {"release", "field_quota_release"}} {
			p.Fields = append(p.Fields, request.Field{Key: quotaField(f.name, row), Label: rule + " · " + p.L.T(f.label)})
		}
	}
	first := i18n.Supported[0]
	for _, f := range []struct{ key, label string }{{"title", "field_title"}, {"summary", "field_summary"}, {"description", "field_description"}} {
		p.Fields = append(p.Fields, request.Field{Key: f.key, Label: p.L.T(f.label), Target: "f-" + f.key + "_" + first})
	}
	p.Label("slug", "field_slug")
	data.Questions = questionFormRows(p, form)
	p.Data = data
	return s.Render(c, status, tplActivityForm, p)
}

// activityFormErrors puts the messages of a refused save beside their
// fields (a question's beside its form row: rows, as parseActivityForm
// gives them) and returns the status to answer with; ok is false when err
// is not the form's to show.
func (s *Handlers) activityFormErrors(c *fiber.Ctx, err error, errs map[string]string, rows []int) (int, bool) {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return 0, false
	}
	l := s.Localizer(c)
	switch ae.Kind {
	case apperr.Invalid:
		for field, m := range ae.Fields {
			if field = questionErrorKey(field, rows); errs[field] == "" {
				errs[field] = l.T(m.ID, m.Args...)
			}
		}
		return fiber.StatusUnprocessableEntity, true
	case apperr.Conflict:
		field := "_form"
		switch ae.Message.ID {
		case "error_capacity_below_confirmed", "error_capacity_breaks_quota":
			field = "capacity"
		case "error_safety_pack_answered":
			field = "safety_pack"
		}
		errs[field] = l.T(ae.Message.ID, ae.Message.Args...)
		return fiber.StatusConflict, true
	}
	return 0, false
}

// saveActivityForm parses the posted form and saves it with save; a refusal
// shows the form again with the values as typed.
func (s *Handlers) saveActivityForm(c *fiber.Ctx, current *activities.Activity, save func(activities.Input) (*activities.Activity, error)) error {
	form := readActivityForm(c)
	in, parseErrs, rows := parseActivityForm(form, current, s.Activities.Zone(form["timezone"], form["region"]))
	l := s.Localizer(c)
	errs := map[string]string{}
	for field, m := range parseErrs {
		errs[field] = l.T(m.ID, m.Args...)
	}
	if len(errs) > 0 {
		// Nothing is saved; the store's own checks still speak for the rest.
		if err := s.Activities.Check(in); err != nil {
			s.activityFormErrors(c, err, errs, rows)
		}
		return s.activityFormPage(c, fiber.StatusUnprocessableEntity, current, form, errs)
	}
	a, err := save(in)
	if err != nil {
		if status, ok := s.activityFormErrors(c, err, errs, rows); ok {
			return s.activityFormPage(c, status, current, form, errs)
		}
		return err
	}
	return c.Redirect(ManageActivityPath(a.ID)+"?saved=1", fiber.StatusSeeOther)
}

// ActivityNew shows an empty activity form.
func (s *Handlers) ActivityNew(c *fiber.Ctx) error {
	form := map[string]string{"kind": activities.KindTraining, "audience": activities.AudienceYouth, "mode": activities.ModeInPerson,
		"reminder_hours": strconv.Itoa(activities.DefaultReminderHours), "registration_mode": activities.RegistrationModeOpen,
		"safety_days_before": strconv.Itoa(activities.DefaultSafetyDaysBefore)}
	return s.activityFormPage(c, fiber.StatusOK, nil, form, nil)
}

// ActivityCreate stores a new draft activity from the form.
func (s *Handlers) ActivityCreate(c *fiber.Ctx) error {
	return s.saveActivityForm(c, nil, func(in activities.Input) (*activities.Activity, error) {
		return s.Activities.Create(c.UserContext(), request.ActorID(c), in)
	})
}

// ActivityEdit shows the form of an activity, filled in.
func (s *Handlers) ActivityEdit(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	return s.activityFormPage(c, fiber.StatusOK, a, ActivityFormOf(a), nil)
}

// ActivitySave saves the form over an activity; a capacity change moves the
// waitlist in the same transaction, or is refused and changes nothing.
func (s *Handlers) ActivitySave(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	return s.saveActivityForm(c, a, func(in activities.Input) (*activities.Activity, error) {
		return s.Activities.Update(c.UserContext(), request.ActorID(c), a.ID, in)
	})
}

// --- The manage page of one activity ---

// quotaBar is one pool's seats on the manage page.
type quotaBar struct {
	Key      string // general or the quota's attribute
	Label    string
	Seats    int
	Filled   int
	Released bool
}

// rosterRow is a registration as the manage page lists it.
type rosterRow struct {
	registration.RosterEntry
	Name     string
	Email    string
	Seat     string
	Attended string
	Marked   string // what the attendance just marked says, on the row it marked
	Answers  []answerView
}

type manageActivityData struct {
	A            *activities.Activity
	Card         activityCard
	Status       string
	Audience     string
	Transitions  []transition
	Sum          registration.Summary
	Bars         []quotaBar
	Confirmed    []rosterRow
	Waitlist     []rosterRow
	Confidential bool // some seats are of a sensitive quota, not told apart
	Emails       bool // coordinators see emails; facilitators names only
	Saved        bool
	CanWrite     bool
	CanList      bool
	CanAttend    bool
	CanCancel    bool
	Entry        *rosterEntry // the paper roster's entry form, for who marks attendance
	Leads        []leadChoice // facilitators who may lead it, for coordinators
	Hosts        []hostChoice // organisations that may co-host it, for coordinators
	Guardian     string       // who needs a guardian's consent
	Reminder     string
	Hours        string   // what attending counts for on a path
	Purge        []string // when the answers to the questions are deleted
	Sealed       sealedView
	Surveys      *surveysSection // for who may read surveys
}

// leadChoice is a facilitator as the manage page offers them.
type leadChoice struct {
	ID      int64
	Name    string
	Leading bool
}

// ManageActivity is an activity's page for the staff: its facts, status,
// seats per quota, and its confirmed participants and waitlist.
func (s *Handlers) ManageActivity(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	p := s.Page(c, "manage_activities_title", nil)
	card, err := s.card(c, p, a, false)
	if err != nil {
		return err
	}
	sum, err := s.Registrations.Summary(c.UserContext(), request.Viewer(c), a.ID)
	if err != nil {
		return err
	}
	data := manageActivityData{A: a, Card: card, Sum: sum, Status: p.L.T(statusLabels[a.Status]),
		Audience: p.L.T(audienceLabels[a.Audience]), Saved: c.Query("saved") == "1",
		CanWrite: s.Can(c, access.ActivitiesWrite), CanList: s.Can(c, access.RegistrationsRead),
		CanAttend: s.Can(c, access.AttendanceWrite), CanCancel: s.Can(c, access.RegistrationsWrite),
		Emails: s.Can(c, access.PeopleRead)}
	data.Guardian = p.L.T("manage_guardian_never")
	if age := a.GuardianAgeOr(s.Config.GuardianAge); age > 0 {
		data.Guardian = p.L.T("manage_guardian_under", "Age", age)
	}
	data.Hours = p.L.Number(activities.Hours(activities.CreditMinutes(a)))
	data.Reminder = p.L.T("manage_reminder_none")
	if a.ReminderHours > 0 {
		data.Reminder = p.L.Plural("manage_reminder_hours", a.ReminderHours)
	}
	if data.CanWrite {
		data.Transitions = transitions[a.Status]
		if data.Leads, err = s.leadChoices(c, a); err != nil {
			return err
		}
		if data.Hosts, err = s.hostChoices(c, a); err != nil {
			return err
		}
	}
	// The seats per quota are the staff's: small pools of sensitive quotas
	// would single people out to a facilitator who knows the room.
	if s.Can(c, access.QuotasRead) {
		data.Bars = append(data.Bars, quotaBar{Key: "general", Label: p.L.T("manage_quota_general"), Seats: sum.GeneralSeats, Filled: sum.GeneralFilled})
		for _, pool := range sum.Pools {
			data.Bars = append(data.Bars, quotaBar{Key: string(pool.Attribute), Seats: pool.Seats, Filled: pool.Filled, Released: pool.Released,
				Label: p.L.T("manage_quota_pool", "Group", p.L.T(quota.Label(pool.Attribute)), "Share", p.L.Number(math.Round(pool.Share*1000)/10))})
		}
	}
	data.Confidential = confidential(sum)
	if data.CanList {
		roster, err := s.Registrations.Roster(c.UserContext(), request.Viewer(c), a.ID)
		if err != nil {
			return err
		}
		if data.CanAttend {
			data.Entry = s.rosterEntryOf(c, p, a, roster)
		}
		answers, err := s.answerViews(c, p, a, wantSealed(c))
		if err != nil {
			return err
		}
		data.Sealed = sealedOf(c, a, s.Clock(), wantSealed(c))
		for _, r := range roster {
			row := rosterRow{RosterEntry: r, Name: strings.TrimSpace(r.GivenName + " " + r.FamilyName), Answers: answers[r.ID]}
			if r.Erased {
				row.Name = p.L.T("rights_erased_person")
			}
			if r.Email != nil && data.Emails {
				row.Email = *r.Email
			}
			if r.Status != string(registration.Confirmed) {
				data.Waitlist = append(data.Waitlist, row)
				continue
			}
			row.Seat, row.Attended = seatLabel(p, &r, data.Confidential), attendedLabel(p, &r)
			if r.Attended != nil && strconv.FormatInt(r.ID, 10) == c.Query("marked") {
				mark := p.L.T("action_mark_absent")
				if *r.Attended {
					mark = p.L.T("action_mark_present")
				}
				row.Marked = p.L.T("attendance_saved", "Name", row.Name, "Attended", mark)
			}
			data.Confirmed = append(data.Confirmed, row)
		}
	}
	data.Purge = purgeNotice(p, a, s.Clock())
	if data.Surveys, err = s.surveysOf(c, p, a.ID); err != nil {
		return err
	}
	p.Title = card.Text.Title
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplManageActivity, p)
}

// confidential reports whether some of sum's pools are of a sensitive
// quota, whose seats the roster does not tell apart.
func confidential(sum registration.Summary) bool {
	for _, pool := range sum.Pools {
		if quota.Sensitive(pool.Attribute) {
			return true
		}
	}
	return false
}

// seatLabel is the seat of a confirmed registration as the roster shows
// it. A seat of a sensitive quota would tell who declared a disability or a
// minority: it reads as a general one, or, when the activity has such
// pools (confidential), as "general or reserved".
func seatLabel(p *request.Page, r *registration.RosterEntry, confidential bool) string {
	switch {
	case r.Pool != nil && quota.Valid(*r.Pool) && !quota.Sensitive(quota.Attribute(*r.Pool)):
		return p.L.T(quota.Label(quota.Attribute(*r.Pool)))
	case confidential:
		return p.L.T("pool_confidential")
	}
	return p.L.T("pool_general")
}

// attendedLabel says whether a confirmed participant came.
func attendedLabel(p *request.Page, r *registration.RosterEntry) string {
	switch {
	case r.Attended == nil:
		return p.L.T("attended_unknown")
	case *r.Attended:
		return p.L.T("attended_yes")
	}
	return p.L.T("attended_no")
}

// ActivitySetStatus publishes, cancels or completes an activity.
func (s *Handlers) ActivitySetStatus(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	status := c.FormValue("status")
	if status == activities.StatusDraft || !request.OneOf(status, activities.Statuses) {
		return apperr.Fields{"status": {ID: "error_status_unknown"}}.Err()
	}
	if _, err := s.Activities.SetStatus(c.UserContext(), request.ActorID(c), a.ID, status); err != nil {
		return err
	}
	return c.Redirect(ManageActivityPath(a.ID), fiber.StatusSeeOther)
}

// leadChoices lists the users holding the facilitator role, and whether
// each leads activity a.
func (s *Handlers) leadChoices(c *fiber.Ctx, a *activities.Activity) ([]leadChoice, error) {
	users, err := s.Users.ListByRole(c.UserContext(), access.Facilitator)
	if err != nil {
		return nil, err
	}
	leading := map[int64]bool{}
	for _, id := range a.FacilitatorIDs() {
		leading[id] = true
	}
	var out []leadChoice
	for _, u := range users {
		out = append(out, leadChoice{ID: u.ID, Name: u.DisplayName, Leading: leading[u.ID]})
	}
	return out, nil
}

// ActivitySetFacilitators saves who leads an activity, from the manage
// page's checkboxes.
func (s *Handlers) ActivitySetFacilitators(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	ids := []int64{}
	for _, v := range c.Request().PostArgs().PeekMulti("facilitator") {
		id, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return apperr.Fields{"facilitator_ids": {ID: "error_facilitator_unknown"}}.Err()
		}
		ids = append(ids, id)
	}
	if err := s.CheckFacilitators(c, &ids); err != nil {
		return err
	}
	if _, err := s.Activities.Update(c.UserContext(), request.ActorID(c), a.ID, activities.Input{Facilitators: &ids}); err != nil {
		return err
	}
	return c.Redirect(ManageActivityPath(a.ID)+"?saved=1", fiber.StatusSeeOther)
}

// RegistrationAttendance marks whether a confirmed participant came.
func (s *Handlers) RegistrationAttendance(c *fiber.Ctx) error {
	r, err := s.ReachableRegistration(c)
	if err != nil {
		return err
	}
	var attended bool
	switch c.FormValue("attended") {
	case "yes":
		attended = true
	case "no":
	default:
		return apperr.Fields{"attended": {ID: "error_required"}}.Err()
	}
	if _, err := s.Registrations.SetAttendance(c.UserContext(), request.Viewer(c), r.ID, attended); err != nil {
		return err
	}
	// Back at the row marked, which says what changed.
	id := strconv.FormatInt(r.ID, 10)
	return c.Redirect(ManageActivityPath(r.ActivityID)+"?marked="+id+"#reg-"+id, fiber.StatusSeeOther)
}

// RegistrationCancel cancels a registration; its seat goes to the waitlist.
func (s *Handlers) RegistrationCancel(c *fiber.Ctx) error {
	r, err := s.ReachableRegistration(c)
	if err != nil {
		return err
	}
	if _, err := s.Registrations.CancelAs(c.UserContext(), request.Viewer(c), r.ID); err != nil {
		return err
	}
	return c.Redirect(ManageActivityPath(r.ActivityID), fiber.StatusSeeOther)
}
