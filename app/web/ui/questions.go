package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/request"
)

// questionView is one of an activity's questions on the public form.
type questionView struct {
	Field    string // answer_<id>
	Kind     string
	Label    string
	Lang     string // of the label
	Input    string // the input type of a one-line answer: text, number, date
	Options  []option
	Required bool   // required of everyone (a follow-up never is: its condition may not be met)
	Hint     string // a follow-up's condition, in words
	Sealed   bool
	Value    string // as typed, for a one-line or long answer
	Error    string
}

// questionViews are a's questions for a reader of p, with what was given.
func (s *Handlers) questionViews(p *request.Page, a *activities.Activity, given activities.Given) []questionView {
	lang, def := p.L.Lang, s.Config.DefaultLang
	out := make([]questionView, len(a.Questions))
	for i := range a.Questions {
		q := &a.Questions[i]
		field := activities.AnswerField(q.Key)
		v := questionView{Field: field, Kind: q.Kind, Required: q.Required && q.ShowIf == nil, Sealed: q.Sealed,
			Error: p.Errors[field]}
		v.Label, v.Lang = q.LabelIn(lang, def)
		if vals := given[q.Key]; len(vals) > 0 {
			v.Value = vals[0]
		}
		switch q.Kind {
		case activities.QuestionChoice, activities.QuestionMultiChoice:
			for _, o := range q.Options {
				v.Options = append(v.Options, option{Value: o.Value, Label: o.LabelIn(lang, def), Selected: slices.Contains(given[q.Key], o.Value)})
			}
		case activities.QuestionYesNo:
			v.Options = []option{{Value: "yes", Label: p.L.T("answer_yes"), Selected: v.Value == "yes"},
				{Value: "no", Label: p.L.T("answer_no"), Selected: v.Value == "no"}}
		case activities.QuestionNumber:
			v.Input = "number"
		case activities.QuestionDate:
			v.Input = "date"
		default:
			v.Input = "text"
		}
		if c := q.ShowIf; c != nil {
			if j := slices.IndexFunc(a.Questions, func(e activities.Question) bool { return e.Key == c.Question }); j >= 0 {
				earlier := &a.Questions[j]
				label, _ := earlier.LabelIn(lang, def)
				answer, _ := a.Display(earlier.Key, c.Equals, lang, def, p.L.T("answer_yes"), p.L.T("answer_no"))
				v.Hint = p.L.T("question_show_if_hint", "Answer", answer, "Question", label)
			}
		}
		target := "f-" + field
		if len(v.Options) > 0 {
			target += "-" + v.Options[0].Value
		}
		p.Fields = append(p.Fields, request.Field{Key: field, Label: v.Label, Target: target})
		out[i] = v
	}
	return out
}

// givenAnswers reads the answers to a's questions from a posted form: each
// answer_<id> field, several values for several choices.
func givenAnswers(c *fiber.Ctx, a *activities.Activity) activities.Given {
	g := activities.Given{}
	args := c.Request().PostArgs()
	for _, q := range a.Questions {
		field := activities.AnswerField(q.Key)
		var vals []string
		for _, b := range args.PeekMulti(field) {
			if v := strings.TrimSpace(string(b)); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			if v := strings.TrimSpace(c.FormValue(field)); v != "" { // a multipart form
				vals = []string{v}
			}
		}
		if len(vals) > 0 {
			g[q.Key] = vals
		}
	}
	return g
}

// purgeNotice says when the answers to a's questions are deleted, or were,
// in a's zone and the reader's language: one line per date.
func purgeNotice(p *request.Page, a *activities.Activity, now time.Time) []string {
	var out []string
	seen := map[string]bool{}
	for i := range a.Questions {
		q := &a.Questions[i]
		when := registration.PurgeDate(a, q)
		day := a.Day(p.L, when)
		if seen[day] {
			continue
		}
		seen[day] = true
		if q.PurgedAt != nil || !now.Before(when) {
			out = append(out, p.L.T("answers_deleted_on", "Date", day))
		} else {
			out = append(out, p.L.T("answers_deleted_from", "Date", day))
		}
	}
	return out
}
