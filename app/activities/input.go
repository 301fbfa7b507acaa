package activities

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/slug"
	"github.com/gotong/gotong/app/usertext"
)

// MaxCapacity bounds an activity's seats.
const MaxCapacity = 100000

// Bounds of an activity's guardian age and reminder, and the reminder a new
// activity gets.
const (
	MaxGuardianAge       = 99
	MaxReminderHours     = 720 // 30 days
	DefaultReminderHours = 48
)

// Input is what creating or changing an activity may set; nil leaves a
// field as it is (or at its default when creating).
type Input struct {
	Slug     *string
	Kind     *string
	Audience *string
	AgeMin   *int
	AgeMax   *int
	Mode     *string
	Region   *string
	// Timezone is the IANA zone of the activity's times; "" takes the
	// region's (ZoneFor), and nil keeps it, unless the region changes and
	// the zone was the old region's: it then follows the region.
	Timezone             *string
	Venue                *string
	OnlineURL            *string
	StartsAt             *time.Time
	EndsAt               *time.Time
	RegistrationOpensAt  *time.Time
	RegistrationClosesAt *time.Time
	Capacity             *int
	Title                map[string]string
	Summary              map[string]string
	Description          map[string]string
	Quotas               *[]QuotaInput
	// Facilitators are the users who lead the activity; the caller checks
	// that they hold the facilitator role.
	Facilitators *[]int64
	// Partners are the partner organisations that co-host the activity;
	// the store checks that they exist.
	Partners *[]int64
	// Discreet keeps the activity off every list and neutral in emails
	// and calendars.
	Discreet *bool
	// GuardianAge is the age under which a registrant needs a guardian's
	// consent (0: never); "guardian_age" in Unset returns to the portal's
	// default.
	GuardianAge *int
	// ReminderHours before the start, confirmed participants are
	// reminded (0: no reminder).
	ReminderHours *int
	// RegistrationMode is RegistrationModeOpen or RegistrationModeApplication.
	RegistrationMode *string
	// SafetyPack switches the safety pack's questions on or off (safety.go);
	// switching it off is refused while they have answers.
	SafetyPack *bool
	// SafetyDaysBefore the start, the facilitators read the safety pack's
	// answers.
	SafetyDaysBefore *int
	// Questions replace the activity's questions; answers to a question
	// that goes are deleted with it (Registrations.QuestionsChanged).
	Questions *[]QuestionInput
	// Hours is what attending counts for on a young person's path, stored
	// to the minute (CreditMinutesOf); "hours" in Unset counts the
	// activity's duration again.
	Hours *float64
	// Unset empties optional fields that nil would leave as they are:
	// "age_min", "age_max", "registration_opens_at", "registration_closes_at",
	// "guardian_age", "hours".
	// A form sends every field, so an empty one there means "no value".
	Unset []string
}

// QuotaInput is one quota rule as given.
type QuotaInput struct {
	Attribute quota.Attribute
	Share     float64
	ReleaseAt *time.Time
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// apply merges in into a, checking every field; it reports all problems.
// def is the zone of an activity that has neither a zone nor a region.
func apply(a *Activity, in Input, def string, f apperr.Fields) {
	oldRegion, oldZone, oldPack, oldQuestions := a.Region, a.Timezone, a.SafetyPack, a.Questions
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&a.Slug, in.Slug)
	set(&a.Kind, in.Kind)
	set(&a.Audience, in.Audience)
	set(&a.Mode, in.Mode)
	set(&a.Region, in.Region)
	set(&a.Venue, in.Venue)
	set(&a.OnlineURL, in.OnlineURL)
	set(&a.RegistrationMode, in.RegistrationMode)
	switch {
	case in.Timezone != nil || oldZone == "":
		a.Timezone = ZoneFor(deref(in.Timezone), a.Region, def)
	case a.Region != oldRegion && (oldZone == regions.Zone(oldRegion) || regions.Zone(oldRegion) == "" && oldZone == def):
		// The zone followed the old region (or was the default of an
		// activity without one): it follows the new region.
		if z := regions.Zone(a.Region); z != "" {
			a.Timezone = z
		}
	}
	if in.AgeMin != nil {
		a.AgeMin = in.AgeMin
	}
	if in.AgeMax != nil {
		a.AgeMax = in.AgeMax
	}
	if in.StartsAt != nil {
		a.StartsAt = in.StartsAt.UTC()
	}
	if in.EndsAt != nil {
		a.EndsAt = in.EndsAt.UTC()
	}
	if in.RegistrationOpensAt != nil {
		t := in.RegistrationOpensAt.UTC()
		a.RegistrationOpensAt = &t
	}
	if in.RegistrationClosesAt != nil {
		t := in.RegistrationClosesAt.UTC()
		a.RegistrationClosesAt = &t
	}
	if in.Capacity != nil {
		a.Capacity = *in.Capacity
	}
	if in.Discreet != nil {
		a.Discreet = *in.Discreet
	}
	if in.GuardianAge != nil {
		age := *in.GuardianAge
		a.GuardianAge = &age
	}
	if in.ReminderHours != nil {
		a.ReminderHours = *in.ReminderHours
	}
	if in.SafetyPack != nil {
		a.SafetyPack = *in.SafetyPack
	}
	if in.SafetyDaysBefore != nil {
		a.SafetyDaysBefore = *in.SafetyDaysBefore
	}
	if in.Hours != nil {
		// Checked here, before rounding: -0.001 hours is refused, not 0.
		if m, ok := CreditMinutesOf(*in.Hours); ok {
			a.CreditMinutes = &m
		} else {
			f.Add("hours", "error_hours_range", "Max", MaxCreditMinutes/60)
		}
	}
	for _, field := range in.Unset {
		switch field {
		case "age_min":
			a.AgeMin = nil
		case "age_max":
			a.AgeMax = nil
		case "registration_opens_at":
			a.RegistrationOpensAt = nil
		case "registration_closes_at":
			a.RegistrationClosesAt = nil
		case "guardian_age":
			a.GuardianAge = nil
		case "hours":
			a.CreditMinutes = nil
		}
	}
	a.Translations = i18n.MergeTexts(a.Translations, i18n.Texts{"title": in.Title, "summary": in.Summary, "description": in.Description}, f,
		func(t *Translation) string { return t.Locale },
		func(lang string) Translation { return Translation{ActivityID: a.ID, Locale: lang} },
		func(t *Translation, name string) *string {
			switch name {
			case "title":
				return &t.Title
			case "summary":
				return &t.Summary
			}
			return &t.Description
		})
	if in.Quotas != nil {
		a.Quotas = nil
		for i, q := range *in.Quotas {
			r := QuotaRule{ActivityID: a.ID, Position: i, Attribute: q.Attribute, Share: q.Share}
			if q.ReleaseAt != nil {
				t := q.ReleaseAt.UTC()
				r.ReleaseAt = &t
			}
			a.Quotas = append(a.Quotas, r)
		}
	}
	if in.Questions != nil {
		a.Questions = questionsOf(a.ID, *in.Questions, a.Questions)
	}
	if in.Questions != nil || a.SafetyPack != oldPack {
		a.Questions = withSafetyPack(a.ID, a.Questions, oldQuestions, a.SafetyPack, oldPack, f)
	}
	if in.Facilitators != nil {
		a.Facilitators = nil
		seen := map[int64]bool{}
		for _, id := range *in.Facilitators {
			if !seen[id] {
				seen[id] = true
				a.Facilitators = append(a.Facilitators, Facilitator{ActivityID: a.ID, UserID: id})
			}
		}
	}
	if in.Partners != nil {
		a.Partners = nil
		seen := map[int64]bool{}
		for _, id := range *in.Partners {
			if !seen[id] {
				seen[id] = true
				a.Partners = append(a.Partners, CoHost{ActivityID: a.ID, PartnerID: id})
			}
		}
	}
	validate(a, f)
}

// validate checks a whole activity.
func validate(a *Activity, f apperr.Fields) {
	if a.Slug != "" && !slug.Valid(a.Slug) {
		f.Add("slug", "error_slug")
	}
	if !oneOf(a.Kind, Kinds) {
		f.Add("kind", "error_kind_unknown")
	}
	if !oneOf(a.Audience, Audiences) {
		f.Add("audience", "error_audience_unknown")
	}
	if !oneOf(a.Mode, Modes) {
		f.Add("mode", "error_mode_unknown")
	}
	if !oneOf(a.RegistrationMode, RegistrationModes) {
		f.Add("registration_mode", "error_registration_mode_unknown")
	}
	if a.Region != "" && !regions.Valid(a.Region) {
		f.Add("region", "error_region_unknown")
	}
	if !ValidZone(a.Timezone) {
		f.Add("timezone", "error_timezone_unknown")
	}
	usertext.Check(f, "venue", a.Venue, usertext.Line)
	usertext.Check(f, "online_url", a.OnlineURL, usertext.Line)
	if utf8.RuneCountInString(a.Venue) > 200 {
		f.Add("venue", "error_too_long", "Max", 200)
	}
	if a.OnlineURL != "" {
		if u, err := url.Parse(a.OnlineURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			f.Add("online_url", "error_url")
		}
	}
	for _, age := range []struct {
		field string
		v     *int
	}{{"age_min", a.AgeMin}, {"age_max", a.AgeMax}} {
		if age.v != nil && (*age.v < 0 || *age.v > 120) {
			f.Add(age.field, "error_age_value")
		}
	}
	if a.AgeMin != nil && a.AgeMax != nil && *a.AgeMin > *a.AgeMax {
		f.Add("age_max", "error_age_order")
	}
	if a.StartsAt.IsZero() {
		f.Add("starts_at", "error_required")
	}
	if a.EndsAt.IsZero() {
		f.Add("ends_at", "error_required")
	} else if !a.StartsAt.IsZero() && !a.EndsAt.After(a.StartsAt) {
		f.Add("ends_at", "error_ends_before_starts")
	}
	if a.RegistrationOpensAt != nil && a.RegistrationClosesAt != nil && !a.RegistrationClosesAt.After(*a.RegistrationOpensAt) {
		f.Add("registration_closes_at", "error_closes_before_opens")
	}
	if a.RegistrationClosesAt != nil && !a.EndsAt.IsZero() && a.RegistrationClosesAt.After(a.EndsAt) {
		f.Add("registration_closes_at", "error_closes_after_end")
	}
	if a.Capacity < 1 || a.Capacity > MaxCapacity {
		f.Add("capacity", "error_capacity_range", "Max", MaxCapacity)
	}
	if a.GuardianAge != nil && (*a.GuardianAge < 0 || *a.GuardianAge > MaxGuardianAge) {
		f.Add("guardian_age", "error_guardian_age_range", "Max", MaxGuardianAge)
	}
	if a.ReminderHours < 0 || a.ReminderHours > MaxReminderHours {
		f.Add("reminder_hours", "error_reminder_hours_range", "Max", MaxReminderHours)
	}
	if a.SafetyDaysBefore < 0 || a.SafetyDaysBefore > MaxSafetyDaysBefore {
		f.Add("safety_days_before", "error_safety_days_before_range", "Max", MaxSafetyDaysBefore)
	}
	title := false
	for _, t := range a.Translations {
		title = title || t.Title != ""
		usertext.Check(f, "title", t.Title, usertext.Line)
		usertext.Check(f, "summary", t.Summary, usertext.Line)
		usertext.Check(f, "description", t.Description, usertext.Lines)
		if utf8.RuneCountInString(t.Title) > 200 {
			f.Add("title", "error_too_long", "Max", 200)
		}
		if utf8.RuneCountInString(t.Summary) > 500 {
			f.Add("summary", "error_too_long", "Max", 500)
		}
		if utf8.RuneCountInString(t.Description) > 20000 {
			f.Add("description", "error_too_long", "Max", 20000)
		}
	}
	if !title {
		f.Add("title", "error_title_required")
	}
	seen := map[quota.Attribute]bool{}
	reserved := 0
	for _, q := range a.Quotas {
		switch {
		case !quota.Valid(string(q.Attribute)):
			f.Add("quotas", "error_quota_attribute")
		case seen[q.Attribute]:
			f.Add("quotas", "error_quota_duplicate")
		case !(q.Share > 0 && q.Share <= 1):
			f.Add("quotas", "error_quota_share")
		}
		seen[q.Attribute] = true
		if q.Share > 0 && q.Share <= 1 && a.Capacity > 0 {
			reserved += ReservedSeats(a.Capacity, q.Share)
		}
	}
	if reserved > a.Capacity && a.Capacity > 0 {
		f.Add("quotas", "error_quota_total")
	}
	ValidateQuestions(a.Questions, f)
}

// ReservedSeats mirrors registration.ReservedSeats (ceil with float slack),
// which this package cannot import; a test in registration holds the two equal.
func ReservedSeats(capacity int, share float64) int {
	n := int(float64(capacity)*share - 1e-9)
	if float64(n) < float64(capacity)*share-1e-9 {
		n++
	}
	if n > capacity {
		n = capacity
	}
	return n
}

// newActivity is a new activity before its input is applied.
func newActivity() *Activity {
	return &Activity{Audience: AudienceYouth, Mode: ModeInPerson, Status: StatusDraft, ReminderHours: DefaultReminderHours,
		RegistrationMode: RegistrationModeOpen, SafetyDaysBefore: DefaultSafetyDaysBefore}
}

// Check validates in as a new activity would be, storing nothing; a form
// uses it to report every problem at once beside its own parsing errors.
func (s *Store) Check(in Input) error {
	f := apperr.Fields{}
	apply(newActivity(), in, s.zone, f)
	return f.Err()
}
