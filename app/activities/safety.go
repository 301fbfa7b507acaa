package activities

import (
	"slices"
	"sync"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/locales"
)

// The camp safety pack (DESIGN.md, "A young person's place", point 8): one
// switch, Activity.SafetyPack, adds four built-in sealed questions, rows of
// activity_questions like the activity's own. While the pack is on, their
// ids are its own: a question given under one of them is taken as the
// pack's (so that an activity read and sent back round-trips), and the pack
// cannot be switched on while the activity asks a question of its own under
// one of them. Their labels come from the locale files, in every language,
// when the activity is saved. Who reads their answers, and when, is
// registration.MaySeeSealed's; SafetyWindow is the facilitators' part.

// The safety pack's questions.
const (
	SafetyEmergencyContact = "emergency_contact" // required: a name and a phone number
	SafetyMedical          = "medical"
	SafetyDiet             = "diet"
	SafetyAccessibility    = "accessibility"
)

// SafetyKeys are the ids of the safety pack's questions, in the order the
// form asks them.
var SafetyKeys = []string{SafetyEmergencyContact, SafetyMedical, SafetyDiet, SafetyAccessibility}

// Bounds of SafetyDaysBefore, and what a new activity gets.
const (
	DefaultSafetyDaysBefore = 7
	MaxSafetyDaysBefore     = 60
)

// safetyLabels are the safety questions' labels in every language, read
// once from the locale files.
var safetyLabels = sync.OnceValue(func() map[string]Labels {
	cat, err := i18n.Load(locales.FS, "en", nil)
	if err != nil {
		panic("activities: the embedded locale files do not load: " + err.Error())
	}
	out := map[string]Labels{}
	for _, k := range SafetyKeys {
		out[k] = Labels{}
	}
	for _, lang := range i18n.Supported {
		l := cat.Localizer(lang)
		out[SafetyEmergencyContact][lang] = l.T("safety_question_emergency_contact")
		out[SafetyMedical][lang] = l.T("safety_question_medical")
		out[SafetyDiet][lang] = l.T("safety_question_diet")
		out[SafetyAccessibility][lang] = l.T("safety_question_accessibility")
	}
	return out
})

// safetyQuestions are the pack's questions of activity id, keeping when
// the answers of each were purged (from old).
func safetyQuestions(id int64, old []Question) []Question {
	kinds := map[string]string{SafetyEmergencyContact: QuestionText, SafetyMedical: QuestionLongText,
		SafetyDiet: QuestionText, SafetyAccessibility: QuestionLongText}
	labels := safetyLabels()
	out := make([]Question, len(SafetyKeys))
	for i, k := range SafetyKeys {
		out[i] = Question{ActivityID: id, Key: k, Kind: kinds[k], Label: labels[k], Options: Options{},
			Required: k == SafetyEmergencyContact, Sealed: true, RetainDays: DefaultRetainDays}
		if j := slices.IndexFunc(old, func(o Question) bool { return o.Key == k }); j >= 0 {
			out[i].PurgedAt = old[j].PurgedAt
		}
	}
	return out
}

// IsSafetyKey reports whether id is one of the safety pack's question ids.
func IsSafetyKey(id string) bool { return slices.Contains(SafetyKeys, id) }

// SafetyQuestion reports whether q is one of the safety pack's questions
// of a (which has the pack on).
func (a *Activity) SafetyQuestion(q *Question) bool { return a.SafetyPack && IsSafetyKey(q.Key) }

// withSafetyPack makes qs, the questions an activity would ask, agree with
// its pack: switched on, the pack's questions follow the activity's own,
// and a question given under one of their ids is the pack's; switched off,
// they go. on and was are the pack after and before the change; old the
// questions as they were stored. Switching the pack on while the activity
// asks one of its own under the pack's ids is refused.
func withSafetyPack(id int64, qs, old []Question, on, was bool, f apperr.Fields) []Question {
	if !on && !was {
		return qs
	}
	if on && !was {
		for _, q := range qs {
			if IsSafetyKey(q.Key) {
				f.Add("safety_pack", "error_safety_pack_id_taken", "ID", q.Key)
				return qs
			}
		}
	}
	out := slices.DeleteFunc(slices.Clone(qs), func(q Question) bool { return IsSafetyKey(q.Key) })
	if on {
		out = append(out, safetyQuestions(id, old)...)
	}
	for i := range out {
		out[i].Position = i
	}
	return out
}

// SafetyWindow is when the activity's facilitators read the safety pack's
// answers, from (inclusive) until (exclusive): from midnight, in the
// activity's zone, SafetyDaysBefore days before the day it starts, until
// the end of the day after the day it ends.
func (a *Activity) SafetyWindow() (from, until time.Time) {
	loc := a.Location()
	s, e := a.StartsAt.In(loc), a.EndsAt.In(loc)
	from = time.Date(s.Year(), s.Month(), s.Day()-a.SafetyDaysBefore, 0, 0, 0, 0, loc)
	until = time.Date(e.Year(), e.Month(), e.Day()+2, 0, 0, 0, 0, loc)
	return from, until
}

// InSafetyWindow reports whether now is within SafetyWindow.
func (a *Activity) InSafetyWindow(now time.Time) bool {
	from, until := a.SafetyWindow()
	return !now.Before(from) && now.Before(until)
}
