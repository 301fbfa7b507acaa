package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/request"
)

// The answers to an activity's questions on the staff's pages (the roster
// and the applications' review) and in the registrations' CSV: ordinary
// answers for whoever sees the registrations; sealed ones only for a
// viewer registration.MaySeeSealed allows, and only when asked for
// (?sealed=1 on a page, sensitive=true on the export), each reading
// audited by Registrations.Answers.

// answerView is one answer as a staff page shows it.
type answerView struct {
	Label  string
	Lang   string // of the label
	Value  string
	Sealed bool
}

// sealedView says what a staff page offers about sealed answers.
type sealedView struct {
	Any   bool // the activity asks sealed questions
	May   bool // the viewer may read them (registration.MaySeeSealed)
	Shown bool // they were opened for this page
}

// wantSealed reads a page's request to open the sealed answers (?sealed=1).
func wantSealed(c *fiber.Ctx) bool { return c.Query("sealed") == "1" }

// sealedOf is what a staff page offers about a's sealed answers at now;
// shown when they were opened.
func sealedOf(c *fiber.Ctx, a *activities.Activity, now time.Time, shown bool) sealedView {
	out := sealedView{May: maySeeAnySealed(request.Viewer(c), a, now), Shown: shown}
	for _, q := range a.Questions {
		out.Any = out.Any || q.Sealed
	}
	return out
}

// maySeeAnySealed reports whether v may read, at now, the answers to at
// least one of a's sealed questions (registration.MaySeeSealed).
func maySeeAnySealed(v access.Viewer, a *activities.Activity, now time.Time) bool {
	for i := range a.Questions {
		if q := &a.Questions[i]; q.Sealed && registration.MaySeeSealed(v, a, q, now) {
			return true
		}
	}
	return false
}

// answerViews reads the answers to a's questions of the registrations the
// viewer reaches, by registration, in the questions' order; sealed opens
// the sealed ones (refused unless the viewer may, audited).
func (s *Handlers) answerViews(c *fiber.Ctx, p *request.Page, a *activities.Activity, sealed bool) (map[int64][]answerView, error) {
	out := map[int64][]answerView{}
	if len(a.Questions) == 0 {
		return out, nil
	}
	if sealed && !maySeeAnySealed(request.Viewer(c), a, s.Clock()) {
		return nil, apperr.New(apperr.Forbidden, "error_forbidden")
	}
	answers, err := s.Registrations.Answers(c.UserContext(), request.Viewer(c), a, sealed)
	if err != nil {
		return nil, err
	}
	lang, def := p.L.Lang, s.Config.DefaultLang
	for id, given := range answers {
		for i := range a.Questions {
			q := &a.Questions[i]
			v, ok := given[q.Key]
			if !ok {
				continue
			}
			shown, err := a.Display(q.Key, v, lang, def, p.L.T("answer_yes"), p.L.T("answer_no"))
			if err != nil {
				return nil, err
			}
			view := answerView{Value: shown, Sealed: q.Sealed}
			view.Label, view.Lang = q.LabelIn(lang, def)
			out[id] = append(out[id], view)
		}
	}
	return out, nil
}
