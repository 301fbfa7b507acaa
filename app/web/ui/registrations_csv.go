package ui

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/csvout"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/request"
)

// RegistrationsCSV answers GET /manage/activities/{id}/registrations.csv:
// the roster as CSV (csvout), for those who see the roster, headers and
// words in the reader's language. Each registration: name, email (for
// those who see emails, as on the roster), status, seat as the roster shows
// it, waitlist position, attended, then a column per question. Sealed
// questions' columns come only with sensitive=true, for a viewer
// registration.MaySeeSealed allows (403 for anyone else); without it they
// are absent. The export is audited with its count (and the sealed
// reading, by Registrations.Answers).
func (s *Handlers) RegistrationsCSV(c *fiber.Ctx) error {
	f := apperr.Fields{}
	var names []string
	for k := range c.Request().URI().QueryArgs().All() {
		names = append(names, string(k))
	}
	f.RefuseUnknown(names, "sensitive", "lang")
	sealed := false
	switch c.Query("sensitive") {
	case "", "false":
	case "true":
		sealed = true
	default:
		f.Add("sensitive", "error_filter_boolean")
	}
	if err := f.Err(); err != nil {
		return err
	}
	v := request.Viewer(c)
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	now := s.Clock()
	if sealed && !maySeeAnySealed(v, a, now) {
		return apperr.New(apperr.Forbidden, "error_forbidden")
	}
	p := &request.Page{L: s.Localizer(c)}
	roster, err := s.Registrations.Roster(c.UserContext(), v, a.ID)
	if err != nil {
		return err
	}
	sum, err := s.Registrations.Summary(c.UserContext(), v, a.ID)
	if err != nil {
		return err
	}
	var answers map[int64]activities.Answers
	if len(a.Questions) > 0 {
		if answers, err = s.Registrations.Answers(c.UserContext(), v, a, sealed); err != nil {
			return err
		}
	}
	var qs []*activities.Question
	header := []string{p.L.T("field_display_name"), p.L.T("field_email"), p.L.T("manage_status"), p.L.T("manage_seat"),
		p.L.T("manage_position"), p.L.T("manage_attended")}
	for i := range a.Questions {
		q := &a.Questions[i]
		if q.Sealed && (!sealed || !registration.MaySeeSealed(v, a, q, now)) {
			continue
		}
		qs = append(qs, q)
		label, _ := q.LabelIn(p.L.Lang, s.Config.DefaultLang)
		header = append(header, label)
	}
	emails, secret := s.Can(c, access.PeopleRead), confidential(sum)
	var buf bytes.Buffer
	w := csvout.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return err
	}
	for i := range roster {
		r := &roster[i]
		name, email, seat, pos, attended := r.GivenName+" "+r.FamilyName, "", "", "", ""
		if r.Erased {
			name = p.L.T("rights_erased_person")
		}
		if r.Email != nil && emails {
			email = *r.Email
		}
		if r.Status == string(registration.Confirmed) {
			seat, attended = seatLabel(p, r, secret), attendedLabel(p, r)
		} else {
			pos = strconv.Itoa(r.Position)
		}
		row := []string{name, email, p.L.T(personRegLabels[r.Status]), seat, pos, attended}
		for _, q := range qs {
			cell := ""
			if val, ok := answers[r.ID][q.Key]; ok {
				if cell, err = a.Display(q.Key, val, p.L.Lang, s.Config.DefaultLang, p.L.T("answer_yes"), p.L.T("answer_no")); err != nil {
					return err
				}
			}
			row = append(row, cell)
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	ctx, actor, id := c.UserContext(), request.ActorID(c), strconv.FormatInt(a.ID, 10)
	details := map[string]any{"count": len(roster), "questions": len(qs)}
	if sealed {
		err = s.Audit.Record(ctx, actor, "registration.export.sealed", "activity", id, details)
	} else {
		err = s.Audit.Record(ctx, actor, "registration.export", "activity", id, details)
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="registrations-`+strconv.FormatInt(a.ID, 10)+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
