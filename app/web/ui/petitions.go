package ui

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/sharing"
	"github.com/gotong/gotong/app/web/request"
)

// Template names of the petition pages.
const (
	tplPetition           = "petition"
	tplManagePetitions    = "manage_petitions"
	tplManagePetitionForm = "manage_petition_form"
)

// petitionPageData is what the public page of a petition shows.
type petitionPageData struct {
	P          *petitions.Petition
	Text       petitions.Text
	Paragraphs []string
	Progress   string // the count of the goal, in words, for the meter and beside it
	Regions    []regionGroup
	Consent    bool
	News       bool
	Share      *shareBlock
}

// paragraphs splits a text at its blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func petitionPath(slug string) string { return "/p/" + url.PathEscape(slug) }

// petitionView renders the public page of p: its text, its count against
// the goal, and the signing form with the values and messages given.
func (s *Handlers) petitionView(c *fiber.Ctx, status int, p *petitions.Petition, form, errs map[string]string) error {
	page := s.Page(c, "petition_page_title", nil)
	l := page.L
	data := petitionPageData{P: p, Text: p.TextIn(l.Lang, s.Catalog.Default()), Regions: regionGroups(page, form["region"]),
		Progress: l.Plural("petition_progress", p.Signatures, "Goal", l.Number(p.Goal)), Consent: form["consent"] == "yes",
		News: form["news"] == "yes"}
	data.Paragraphs = paragraphs(data.Text.Text)
	data.Share = s.shareFor(page, petitionPath(p.Slug), data.Text.Title)
	if data.Text.Title != "" {
		page.Title = data.Text.Title
	}
	page.Meta = s.preview(page, petitionPath(p.Slug), page.Title, data.Text.Text)
	page.Data, page.Form, page.Errors = data, form, errs
	page.Label("given_name", "field_given_name", "family_name", "field_family_name", "email", "field_email",
		"region", "petition_field_region", "consent", "field_consent")
	return s.Render(c, status, tplPetition, page)
}

// PetitionPage shows a petition and its signing form.
func (s *Handlers) PetitionPage(c *fiber.Ctx) error {
	p, err := s.Petitions.GetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	// The source of the shared link goes on with the form, in a hidden field.
	return s.petitionView(c, fiber.StatusOK, p, map[string]string{"src": sharing.Source(c.Query("src"))}, nil)
}

// PetitionSign submits the form: the signature counts once the link emailed
// to the address is tapped. Every well-formed form is sent on to the same
// "check your email" page, whoever the address belongs to, so that the
// answer tells nobody whether it signed. A refusal shows the form again as
// typed, each message beside its field.
func (s *Handlers) PetitionSign(c *fiber.Ctx) error {
	slug := c.Params("slug")
	form := map[string]string{}
	for _, k := range []string{"given_name", "family_name", "email", "region", "consent", "news", "src"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	form["src"] = sharing.Source(form["src"])
	err := s.Petitions.Submit(c.UserContext(), slug, petitions.Signer{GivenName: form["given_name"],
		FamilyName: form["family_name"], Email: form["email"], Region: form["region"], Consent: form["consent"] == "yes",
		News: form["news"] == "yes", Source: form["src"]},
		s.Localizer(c).Lang)
	if err == nil {
		return c.Redirect(petitionPath(slug)+"/check-email", fiber.StatusSeeOther)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return err
	}
	l := s.Localizer(c)
	errs := map[string]string{}
	for field, m := range ae.Fields {
		errs[field] = l.T(m.ID, m.Args...)
	}
	p, perr := s.Petitions.GetBySlug(c.UserContext(), slug)
	if perr != nil {
		return perr
	}
	return s.petitionView(c, request.StatusOf[ae.Kind], p, form, errs)
}

// PetitionCheckEmail is where every signing form lands: the link is in the
// email, how long it works, and what to do when nothing arrives.
func (s *Handlers) PetitionCheckEmail(c *fiber.Ctx) error {
	p, err := s.Petitions.GetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return s.checkEmail(c, petitionPath(p.Slug)+"#sign-form", "check_email_sent")
}
