package ui

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/sharing"
	"github.com/gotong/gotong/app/web/request"
)

// registerFields are the fields of the public registration form.
var registerFields = []string{"given_name", "family_name", "email", "birth_year", "region", "locality",
	"disability", "minority", "accessibility_needs", "consent", "news", "guardian_name", "guardian_email", "src"}

type registerData struct {
	Heading     string
	Card        activityCard
	Regions     []regionGroup
	Localities  []option
	Consent     bool
	News        bool // the box for news stays as it was sent, unticked by default
	GuardianAge int  // registrants younger name a guardian; 0 when nobody the activity takes needs one
	Questions   []questionView
}

// guardianAge is the age under which a registrant of a names a guardian,
// or 0 when no one of its age range is that young.
func (s *Handlers) guardianAge(a *activities.Activity) int {
	n := a.GuardianAgeOr(s.Config.GuardianAge)
	if a.AgeMin != nil && *a.AgeMin >= n {
		return 0
	}
	return n
}

func (s *Handlers) registerPage(c *fiber.Ctx, status int, a *activities.Activity, form map[string]string, given activities.Given, errs map[string]string) error {
	p := s.Page(c, "register_title", nil)
	card, err := s.card(c, p, a, true)
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{}
	}
	heading := p.L.T("register_title_of", "Title", card.Text.Title)
	if a.Applications() {
		heading = p.L.T("register_title_of_apply", "Title", card.Text.Title)
	}
	p.Title = heading
	if a.Discreet { // reached by its link alone: its name stays out of history and tabs
		p.Title, p.NoIndex = p.L.T("activity_neutral_title"), true
	}
	p.Data = registerData{Card: card, Heading: heading, Regions: regionGroups(p, form["region"]),
		Localities: options([]string{people.Urban, people.Rural}, localityLabels, p, form["locality"]),
		Consent:    form["consent"] == "yes", News: form["news"] == "yes", GuardianAge: s.guardianAge(a)}
	p.Form, p.Errors = form, errs
	p.Label("given_name", "field_given_name", "family_name", "field_family_name", "email", "field_email",
		"birth_year", "field_birth_year", "region", "field_region")
	p.Fields = append(p.Fields, request.Field{Key: "locality", Label: p.L.T("field_locality"), Target: "f-locality-" + people.Urban})
	p.Label("accessibility_needs", "register_accessibility")
	p.Fields = append(p.Fields, request.Field{Key: "guardian", Label: p.L.T("field_guardian"), Target: "f-guardian_name"})
	data := p.Data.(registerData)
	data.Questions = s.questionViews(p, a, given)
	p.Data = data
	p.Label("consent", "field_consent")
	return s.Render(c, status, tplRegister, p)
}

// RegisterForm shows the registration form of an activity.
func (s *Handlers) RegisterForm(c *fiber.Ctx) error {
	a, err := s.publicActivity(c)
	if err != nil {
		return err
	}
	// The source of the shared link goes on with the form, in a hidden field.
	return s.registerPage(c, fiber.StatusOK, a, map[string]string{"src": sharing.Source(c.Query("src"))}, nil, nil)
}

// registrationRequest is the form as the registration service takes it,
// in the language of the page.
func registrationRequest(form map[string]string, lang string) registration.Request {
	year, _ := strconv.Atoi(form["birth_year"])
	req := registration.Request{Consent: form["consent"] == "yes", News: form["news"] == "yes", Person: people.Declared{
		GivenName: form["given_name"], FamilyName: form["family_name"], Email: form["email"], BirthYear: year,
		Region: form["region"], Locality: form["locality"], Locale: lang}, Source: form["src"]}
	yes := true
	if form["disability"] == "yes" {
		req.Person.Sensitive.Disability = &yes
	}
	if form["minority"] == "yes" {
		req.Person.Sensitive.Minority = &yes
	}
	if n := form["accessibility_needs"]; n != "" {
		req.Person.Sensitive.AccessibilityNeeds = &n
	}
	if form["guardian_name"] != "" || form["guardian_email"] != "" {
		req.Guardian = &registration.Guardian{Name: form["guardian_name"], Email: form["guardian_email"]}
	}
	return req
}

// RegisterSubmit sends the form to the registration service. Whoever the
// email belongs to, a well-formed form answers the same: a redirect to
// "check your email", since the email decides what happens. The one
// exception is a signed-in participant whose account email is verified and
// is the form's: they are placed at once and go to their registration.
// Refusals (fields, an activity not open) never depend on the email.
func (s *Handlers) RegisterSubmit(c *fiber.Ctx) error {
	a, err := s.publicActivity(c)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range registerFields {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	form["src"] = sharing.Source(form["src"])
	req := registrationRequest(form, s.Localizer(c).Lang)
	req.Answers = givenAnswers(c, a)
	ctx := c.UserContext()
	if u := request.CurrentUser(c); u != nil && u.EmailVerifiedAt != nil &&
		mailaddr.Normalize(form["email"]) == mailaddr.Normalize(u.Email) {
		placed, err := s.Registrations.Register(ctx, a, req)
		if err != nil {
			return s.registerRefused(c, a, form, req.Answers, err)
		}
		return c.Redirect(managePath(placed.ManageToken), fiber.StatusSeeOther)
	}
	if err := s.Registrations.Submit(ctx, a, req); err != nil {
		return s.registerRefused(c, a, form, req.Answers, err)
	}
	return c.Redirect("/activities/"+url.PathEscape(a.Slug)+"/check-email", fiber.StatusSeeOther)
}

// registerRefused shows the form again as typed, each message beside its
// field, or err itself when it is not a refusal of the form.
func (s *Handlers) registerRefused(c *fiber.Ctx, a *activities.Activity, form map[string]string, given activities.Given, err error) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind == apperr.NotFound {
		return err
	}
	l := s.Localizer(c)
	errs := map[string]string{}
	for field, m := range ae.Fields {
		errs[field] = l.T(m.ID, m.Args...)
	}
	if len(errs) == 0 {
		errs["_form"] = l.T(ae.Message.ID, ae.Message.Args...)
	}
	return s.registerPage(c, request.StatusOf[ae.Kind], a, form, given, errs)
}

// CheckEmail is where every well-formed form leads: the same page for
// everyone, which names no address; an activity in application mode says
// that the link sends the application.
func (s *Handlers) CheckEmail(c *fiber.Ctx) error {
	a, err := s.publicActivity(c)
	if err != nil {
		return err
	}
	sent := "check_email_sent"
	if a.Applications() {
		sent = "check_email_sent_apply"
	}
	return s.checkEmail(c, "/activities/"+url.PathEscape(a.Slug)+"/register", sent)
}
