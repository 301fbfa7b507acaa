// Package activities keeps trainings, well-being workshops and camps: their
// dates, places, capacity, quota rules and texts in each language.
package activities

import (
	"slices"
	"time"

	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/quota"
)

// Kinds, audiences, modes and statuses of an activity.
const (
	KindTraining  = "training"
	KindWellbeing = "wellbeing"
	KindCamp      = "camp"

	AudienceYouth = "youth"
	AudienceStaff = "staff"

	ModeInPerson = "in_person"
	ModeOnline   = "online"
	ModeHybrid   = "hybrid"

	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusCancelled = "cancelled"
	StatusCompleted = "completed"

	// RegistrationModeOpen places registrations first come, first served;
	// RegistrationModeApplication keeps them as applications (status applied,
	// holding no seat) until a coordinator accepts or declines each.
	RegistrationModeOpen        = "open"
	RegistrationModeApplication = "application"
)

// Kinds, Audiences, Modes and Statuses list the allowed values in display order.
var (
	Kinds     = []string{KindTraining, KindWellbeing, KindCamp}
	Audiences = []string{AudienceYouth, AudienceStaff}
	Modes     = []string{ModeInPerson, ModeOnline, ModeHybrid}
	Statuses  = []string{StatusDraft, StatusPublished, StatusCancelled, StatusCompleted}
	// RegistrationModes are the values of RegistrationMode.
	RegistrationModes = []string{RegistrationModeOpen, RegistrationModeApplication}
)

// Activity is one training, workshop or camp.
type Activity struct {
	ID                   int64
	Slug                 string
	Kind                 string
	Audience             string
	AgeMin               *int
	AgeMax               *int
	Mode                 string
	Region               string
	Venue                string
	OnlineURL            string
	StartsAt             time.Time
	EndsAt               time.Time
	RegistrationOpensAt  *time.Time
	RegistrationClosesAt *time.Time
	Capacity             int
	Status               string
	// Timezone is the IANA zone where the activity happens, in which its
	// times are shown (zone.go); stored resolved, never empty.
	Timezone string
	// Discreet activities are not listed, and every email and calendar
	// entry about them is titled neutrally.
	Discreet bool
	// GuardianAge: registrants younger need a guardian's consent; nil takes
	// GOTONG_GUARDIAN_AGE.
	GuardianAge *int
	// ReminderHours before the start, confirmed participants are reminded;
	// 0 sends no reminder.
	ReminderHours int
	// RegistrationMode is RegistrationModeOpen or RegistrationModeApplication.
	RegistrationMode string `gorm:"default:open"`
	// SafetyPack adds the built-in sealed safety questions (safety.go);
	// the activity's facilitators read their answers from SafetyDaysBefore
	// days before the start (SafetyWindow).
	SafetyPack       bool
	SafetyDaysBefore int
	// CreditMinutes is what attending counts for on a young person's path
	// (hours.go); nil counts the activity's duration.
	CreditMinutes *int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Translations  []Translation `gorm:"foreignKey:ActivityID"`
	Quotas        []QuotaRule   `gorm:"foreignKey:ActivityID"`
	Facilitators  []Facilitator `gorm:"foreignKey:ActivityID"`
	Partners      []CoHost      `gorm:"foreignKey:ActivityID"`
	// Questions the activity asks of registrants, in order (questions.go).
	Questions []Question `gorm:"foreignKey:ActivityID"`
}

// Applications reports whether registrations wait for a coordinator's
// decision (RegistrationModeApplication) instead of taking a seat at once.
func (a *Activity) Applications() bool { return a.RegistrationMode == RegistrationModeApplication }

// FacilitatorIDs are the users who lead the activity.
func (a *Activity) FacilitatorIDs() []int64 {
	ids := make([]int64, len(a.Facilitators))
	for i, f := range a.Facilitators {
		ids[i] = f.UserID
	}
	return ids
}

// PartnerIDs are the partner organisations that co-host the activity, in
// id order.
func (a *Activity) PartnerIDs() []int64 {
	ids := make([]int64, len(a.Partners))
	for i, p := range a.Partners {
		ids[i] = p.PartnerID
	}
	slices.Sort(ids)
	return ids
}

// Translation is an activity's text in one language.
type Translation struct {
	ActivityID  int64  `gorm:"primaryKey"`
	Locale      string `gorm:"primaryKey"`
	Title       string
	Summary     string
	Description string
}

// TableName is the migrated table.
func (Translation) TableName() string { return "activity_translations" }

// QuotaRule reserves a share of the seats for people with an attribute until
// ReleaseAt (the registration close when nil).
type QuotaRule struct {
	ID         int64
	ActivityID int64
	Position   int
	Attribute  quota.Attribute
	Share      float64
	ReleaseAt  *time.Time
}

// Facilitator links an activity to a user who leads it.
type Facilitator struct {
	ActivityID int64 `gorm:"primaryKey"`
	UserID     int64 `gorm:"primaryKey"`
}

// TableName is the migrated table.
func (Facilitator) TableName() string { return "activity_facilitators" }

// CoHost links an activity to a partner organisation that co-hosts it.
type CoHost struct {
	ActivityID int64 `gorm:"primaryKey"`
	PartnerID  int64 `gorm:"primaryKey"`
}

// TableName is the migrated table.
func (CoHost) TableName() string { return "activity_partners" }

// Text is an activity's texts for a reader: each field in the reader's
// language, else in another (see i18n.FieldIn), with the language it is in.
type Text struct {
	Title, Summary, Description string
	Lang                        string // the language of the title
	SummaryLang                 string // the language of the summary
	DescriptionLang             string // the language of the description
	Fallback                    bool   // some text is not in the reader's language
}

// TextIn returns the activity's texts for a reader of lang, field by field:
// in lang, else in def, else in another language that has it. A text missing
// in one language is shown in another, never left out.
func (a *Activity) TextIn(lang, def string) Text {
	locale := func(t *Translation) string { return t.Locale }
	var x Text
	x.Title, x.Lang = i18n.FieldIn(a.Translations, lang, def, locale, func(t *Translation) string { return t.Title })
	x.Summary, x.SummaryLang = i18n.FieldIn(a.Translations, lang, def, locale, func(t *Translation) string { return t.Summary })
	x.Description, x.DescriptionLang = i18n.FieldIn(a.Translations, lang, def, locale, func(t *Translation) string { return t.Description })
	x.Fallback = x.Lang != lang || x.SummaryLang != lang || x.DescriptionLang != lang
	return x
}

// ReleaseTime is when a rule's unfilled reserved seats become general.
func (a *Activity) ReleaseTime(q QuotaRule) *time.Time {
	if q.ReleaseAt != nil {
		return q.ReleaseAt
	}
	return a.RegistrationClosesAt
}

// Released reports whether rule q has been released at now.
func (a *Activity) Released(q QuotaRule, now time.Time) bool {
	t := a.ReleaseTime(q)
	return t != nil && !now.Before(*t)
}

// RegistrationOpen reports whether the activity takes registrations at now,
// and the message id of the reason when it does not.
func (a *Activity) RegistrationOpen(now time.Time) (bool, string) {
	switch {
	case a.Status != StatusPublished:
		return false, "error_registration_not_published"
	case a.RegistrationOpensAt != nil && now.Before(*a.RegistrationOpensAt):
		return false, "error_registration_not_open_yet"
	case a.RegistrationClosesAt != nil && !now.Before(*a.RegistrationClosesAt):
		return false, "error_registration_closed"
	case !now.Before(a.StartsAt):
		return false, "error_registration_closed"
	}
	return true, ""
}

// AgeAllowed reports whether someone born in birthYear fits the age range
// on the day the activity starts. Only the year is known, so a person is
// given the benefit of the doubt: they fit if some birthday in that year
// would make them fit.
func (a *Activity) AgeAllowed(birthYear int) bool {
	oldest := a.StartsAt.Year() - birthYear // birthday already passed
	youngest := oldest - 1                  // birthday still to come
	if a.AgeMin != nil && oldest < *a.AgeMin {
		return false
	}
	if a.AgeMax != nil && youngest > *a.AgeMax {
		return false
	}
	return true
}

// GuardianAgeOr is the age under which a registrant needs a guardian's
// consent: the activity's own, else def (GOTONG_GUARDIAN_AGE). 0 means
// never.
func (a *Activity) GuardianAgeOr(def int) int {
	if a.GuardianAge != nil {
		return *a.GuardianAge
	}
	return def
}

// NeedsGuardian reports whether someone born in birthYear may be younger
// than the guardian age (GuardianAgeOr(def)) on the day the activity
// starts. Only the year is known, so the doubt goes the young person's
// way, which here is the other way from AgeAllowed: if any birthday in
// that year leaves them under the age (the one still to come at the
// start), a guardian is asked. Asking a guardian of someone who turned 18
// in January is a small error; not asking for a 17-year-old is not.
func (a *Activity) NeedsGuardian(birthYear, def int) bool {
	age := a.GuardianAgeOr(def)
	youngest := a.StartsAt.Year() - birthYear - 1 // birthday still to come
	return age > 0 && youngest < age
}
