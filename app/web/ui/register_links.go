package ui

import (
	"bytes"
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/registration"
)

// The private links of a registration, each a random token of which only a
// hash is stored: /v/{token} confirms a public form, /r/{token} manages a
// registration, /g/{token} is its guardian's answer. The server serves them
// uncached and unindexed; none of them needs JavaScript.

func managePath(token string) string   { return "/r/" + url.PathEscape(token) }
func guardianPath(token string) string { return "/g/" + url.PathEscape(token) }

// registrationPending is the page of a registration form's link: what it
// confirms and one button, or, once tapped, where the private link is.
func (s *Handlers) registrationPending(c *fiber.Ctx, token string) error {
	pending, err := s.Registrations.Pending(c.UserContext(), token)
	if err != nil {
		return err
	}
	s.LocalizeAs(c, pending.Locale)
	if pending.Used {
		return s.registrationConfirmed(c, pending.Activity)
	}
	p := s.Page(c, "confirm_title", nil)
	a, l := pending.Activity, p.L
	p.Data = verifyData{
		Heading: p.Title,
		Lead: l.T("confirm_text", "Name", pending.GivenName, "Title", a.TextIn(l.Lang, s.Catalog.Default()).Title,
			"When", a.Span(l)),
		// The tap's answer in the page's language, whatever the browser's.
		Action: "/v/" + url.PathEscape(token) + "?lang=" + l.Lang,
		Button: l.T("confirm_submit"),
	}
	return s.Render(c, fiber.StatusOK, tplVerify, p)
}

// registrationConfirm is the tap that takes the seat, and goes to the
// registration's page. A second tap places nothing; the service emails the
// private link again instead.
func (s *Handlers) registrationConfirm(c *fiber.Ctx, token string) error {
	done, err := s.Registrations.Confirm(c.UserContext(), token)
	if err != nil {
		return err
	}
	if done.Again {
		return s.registrationConfirmed(c, nil)
	}
	return c.Redirect(managePath(done.ManageToken), fiber.StatusSeeOther)
}

// registrationConfirmed says that a form's link was tapped before, and
// that the private link is in the email.
func (s *Handlers) registrationConfirmed(c *fiber.Ctx, a *activities.Activity) error {
	p := s.Page(c, "confirm_title", nil)
	data := verifyData{Heading: p.Title, Done: p.L.T("confirm_again")}
	if a != nil {
		data.Back, data.BackTo = "/activities/"+url.PathEscape(a.Slug), p.L.T("registered_back")
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplVerify, p)
}

// The statuses the registration's page tells apart.
const (
	placeGuardian = "guardian" // held, waiting for the guardian
)

type placeData struct {
	Token       string
	Text        activities.Text
	Status      string // a registration.Status, or placeGuardian
	Position    int
	GuardianDue string
	When        string
	Where       string
	OnlineURL   string
	Calendar    bool     // the calendar file is offered
	Purge       []string // when the answers to the questions are deleted
	Cancellable bool
	Cancelled   bool             // just cancelled here
	Attended    bool             // took part in the activity, now completed
	Certificate *certificateView // for an attendee of a completed activity
}

// held reports whether a registration holds a place that is certain: the
// venue, the online link and the calendar file are for it alone.
func held(r *registration.Placed) bool {
	return r.Status == string(registration.Confirmed) && r.Guardian != registration.GuardianPending
}

// MyRegistration is the registration's page at its private link: the
// activity, when and where, the place, and "cancel my place"; once its
// person attended and the activity is completed, their certificate.
func (s *Handlers) MyRegistration(c *fiber.Ctx) error {
	token := c.Params("token")
	o, err := s.Certificates.ByLink(c.UserContext(), token)
	var ae *apperr.Error
	switch {
	case err == nil:
		return s.attendedPage(c, token, o)
	case !errors.As(err, &ae): // a failure, not a refusal: the page as usual says which
		return err
	}
	m, err := s.Registrations.Manage(c.UserContext(), token)
	if err != nil {
		return err
	}
	s.LocalizeAs(c, m.Locale)
	p := s.Page(c, "my_place_title", nil)
	a, l := m.Activity, p.L
	data := placeData{Token: token, Text: a.TextIn(l.Lang, s.Catalog.Default()), Status: m.Status,
		Position: m.Position, When: a.Span(l), Cancelled: c.Query("cancelled") == "1",
		Cancellable: m.Status != string(registration.Cancelled) && m.Status != string(registration.Declined)}
	// An application's guardian is asked once it is accepted.
	seated := m.Status == string(registration.Confirmed) || m.Status == string(registration.Waitlisted)
	if m.Guardian == registration.GuardianPending && seated {
		data.Status = placeGuardian
		if m.GuardianDueAt != nil {
			data.GuardianDue = a.When(l, *m.GuardianDueAt)
		}
	}
	// A discreet activity's venue is for those whose place is certain; any
	// other's is on its public page anyway.
	where := []string{}
	if a.Venue != "" && a.Mode != activities.ModeOnline && (held(&m.Placed) || !a.Discreet) {
		where = append(where, a.Venue)
	}
	if r, ok := regions.Lookup(a.Region); ok {
		where = append(where, r.Name(l.Lang))
	}
	data.Where = strings.Join(where, ", ")
	if held(&m.Placed) {
		data.OnlineURL, data.Calendar = a.OnlineURL, true
	}
	data.Purge = purgeNotice(p, a, s.Clock())
	p.Title, p.Data = data.Text.Title, data
	if a.Discreet { // its name stays out of the browser's history and tabs
		p.Title = l.T("activity_neutral_title")
	}
	return s.Render(c, fiber.StatusOK, tplRegistration, p)
}

// CancelMyPlace is POST /r/{token}/cancel: the seat goes on at once to the
// waitlist, and the page says it is done.
func (s *Handlers) CancelMyPlace(c *fiber.Ctx) error {
	token := c.Params("token")
	if _, err := s.Registrations.CancelByLink(c.UserContext(), token); err != nil {
		return err
	}
	return c.Redirect(managePath(token)+"?cancelled=1", fiber.StatusSeeOther)
}

// MyCalendar is the calendar file of a place that is certain, under a name
// that says nothing of the activity.
func (s *Handlers) MyCalendar(c *fiber.Ctx) error {
	token := c.Params("token")
	m, err := s.Registrations.Manage(c.UserContext(), token)
	if err != nil {
		return err
	}
	if !held(&m.Placed) {
		return apperr.ErrNotFound
	}
	l := s.LocalizeAs(c, m.Locale)
	var b bytes.Buffer
	if err := m.Activity.WriteICS(&b, activities.ICSOptions{Lang: l.Lang, Default: s.Catalog.Default(), BaseURL: s.Config.BaseURL,
		URL: s.Config.BaseURL + managePath(token), Neutral: l.T("activity_neutral_title"), ShowPlace: true}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="gotong.ics"`)
	return c.Send(b.Bytes())
}

type guardianData struct {
	Token        string
	GivenName    string
	GuardianName string
	Answer       string // registration.GuardianPending, Given or Refused
	Due          string
	Title        string // neutral when the activity is discreet
	Kind         string
	Mode         string
	When         string
	Region       string
}

// guardianPage tells a guardian what the activity is and which kinds of
// data are kept, never what the young person declared about themselves.
func (s *Handlers) guardianPage(c *fiber.Ctx, token string, g *registration.GuardianView) error {
	p := s.Page(c, "guardian_title", nil)
	a, l := g.Activity, p.L
	data := guardianData{Token: token, GivenName: g.GivenName, GuardianName: g.GuardianName, Answer: g.Answer,
		Due: a.When(l, g.DueAt), Title: a.TextIn(l.Lang, s.Catalog.Default()).Title,
		Kind: l.T(kindLabels[a.Kind]), Mode: l.T(modeLabels[a.Mode]), When: a.Span(l)}
	if a.Discreet {
		data.Title = l.T("guardian_discreet_title")
	}
	if r, ok := regions.Lookup(a.Region); ok {
		data.Region = r.Name(l.Lang)
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplGuardian, p)
}

// GuardianForm is GET /g/{token}: the guardian's page, with the two
// answers while none is given.
func (s *Handlers) GuardianForm(c *fiber.Ctx) error {
	token := c.Params("token")
	g, err := s.Registrations.GuardianRequest(c.UserContext(), token)
	if err != nil {
		return err
	}
	s.LocalizeAs(c, g.Locale)
	return s.guardianPage(c, token, g)
}

// GuardianAnswer is POST /g/{token} with answer=give or refuse; the page
// then shows the answer recorded.
func (s *Handlers) GuardianAnswer(c *fiber.Ctx) error {
	token := c.Params("token")
	answer := c.FormValue("answer")
	if answer != "give" && answer != "refuse" {
		return apperr.New(apperr.Malformed, "error_bad_request")
	}
	if _, err := s.Registrations.GuardianAnswer(c.UserContext(), token, answer == "give"); err != nil {
		return err
	}
	return c.Redirect(guardianPath(token), fiber.StatusSeeOther)
}
