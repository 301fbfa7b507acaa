package ui

import (
	"bytes"
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/web/request"
)

// Certificates of attendance: from a registration's private link
// (/r/{token}/certificate.pdf) or the account, and their public check
// (/verify/{code}). The rules live in app/path.

// certificateView is an offer as the registration's page and the account
// show it (views/partials/certificate.html).
type certificateView struct {
	Title     string // the activity's title, for the account's list
	Ended     string
	Hours     string
	Code      string // as printed, once issued
	Discreet  bool   // the participant chooses whether it names the activity
	FullTitle bool
	Neutral   string // what it names a discreet activity by
	Download  string // the PDF
	Choose    string // where the choice is posted
}

func (s *Handlers) certificateView(l *i18n.Localizer, o *path.Offer, download, choose string) certificateView {
	a := o.Activity
	v := certificateView{Title: a.TextIn(l.Lang, s.Catalog.Default()).Title, Ended: a.Day(l, a.EndsAt),
		Hours: l.Number(activities.Hours(activities.CreditMinutes(a))), Discreet: a.Discreet,
		Neutral: l.T("certificate_neutral_title"), Download: download, Choose: choose}
	if c := o.Certificate; c != nil {
		v.Code, v.FullTitle = path.FormatCode(c.Code), c.FullTitle
	}
	return v
}

// attendedPage is the private page of a registration whose person attended
// a completed activity: what they took part in and their certificate. The
// link lives on for it after the activity ends.
func (s *Handlers) attendedPage(c *fiber.Ctx, token string, o *path.Offer) error {
	s.LocalizeAs(c, o.Locale)
	p := s.Page(c, "my_place_title", nil)
	a, l := o.Activity, p.L
	base := managePath(token)
	v := s.certificateView(l, o, base+"/certificate.pdf", base+"/certificate")
	data := placeData{Token: token, Text: a.TextIn(l.Lang, s.Catalog.Default()), When: a.Span(l), Attended: true, Certificate: &v}
	p.Title, p.Data = data.Text.Title, data
	if a.Discreet { // its name stays out of the browser's history and tabs
		p.Title = l.T("activity_neutral_title")
	}
	return s.Render(c, fiber.StatusOK, tplRegistration, p)
}

// LinkCertificate is GET /r/{token}/certificate.pdf: the certificate,
// issued on the first download, in the registration's language.
func (s *Handlers) LinkCertificate(c *fiber.Ctx) error {
	o, err := s.linkOffer(c, c.Params("token"))
	if err != nil {
		return err
	}
	return s.sendCertificate(c, o, s.Localizer(c))
}

// LinkCertificateChoice is POST /r/{token}/certificate: a discreet
// activity's participant chooses whether the certificate names it
// (full_title=yes), then downloads it.
func (s *Handlers) LinkCertificateChoice(c *fiber.Ctx) error {
	token := c.Params("token")
	o, err := s.linkOffer(c, token)
	if err != nil {
		return err
	}
	if err := s.chooseTitle(c, o, s.Localizer(c)); err != nil {
		return err
	}
	return c.Redirect(managePath(token)+"/certificate.pdf", fiber.StatusSeeOther)
}

// linkOffer is the offer behind a private link, the request localized as
// its registration, so that a refusal is read in the person's language.
func (s *Handlers) linkOffer(c *fiber.Ctx, token string) (*path.Offer, error) {
	o, err := s.Certificates.ByLink(c.UserContext(), token)
	if o != nil {
		s.LocalizeAs(c, o.Locale)
	}
	return o, err
}

// AccountCertificate is GET /account/registrations/{id}/certificate.pdf:
// the certificate of one of the signed-in person's own registrations.
func (s *Handlers) AccountCertificate(c *fiber.Ctx) error {
	o, err := s.ownOffer(c)
	if err != nil {
		return err
	}
	return s.sendCertificate(c, o, s.Localizer(c))
}

// AccountCertificateChoice is POST /account/registrations/{id}/certificate,
// the account's version of LinkCertificateChoice.
func (s *Handlers) AccountCertificateChoice(c *fiber.Ctx) error {
	o, err := s.ownOffer(c)
	if err != nil {
		return err
	}
	if err := s.chooseTitle(c, o, s.Localizer(c)); err != nil {
		return err
	}
	return c.Redirect(accountCertificatePath(o.RegistrationID)+".pdf", fiber.StatusSeeOther)
}

func accountCertificatePath(id int64) string {
	return "/account/registrations/" + strconv.FormatInt(id, 10) + "/certificate"
}

// ownOffer is the offer of the :id registration of the signed-in user's
// person; anyone else's is 404, so ids do not leak.
func (s *Handlers) ownOffer(c *fiber.Ctx) (*path.Offer, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, apperr.ErrNotFound
	}
	personID, ok := s.OwnPersonID(c, request.CurrentUser(c))
	if !ok {
		return nil, apperr.ErrNotFound
	}
	return s.Certificates.ForRegistration(c.UserContext(), personID, id)
}

// chooseTitle records the choice of full_title; only a discreet activity
// has one to make.
func (s *Handlers) chooseTitle(c *fiber.Ctx, o *path.Offer, l *i18n.Localizer) error {
	full := c.FormValue("full_title")
	if full != "" && full != "yes" {
		return apperr.New(apperr.Malformed, "error_bad_request")
	}
	if !o.Activity.Discreet {
		return nil
	}
	_, err := s.Certificates.Choose(c.UserContext(), o, l.Lang, full == "yes")
	return err
}

// sendCertificate issues o's certificate when it has none and sends it as
// a PDF in l's language, under a name that says nothing of the activity.
func (s *Handlers) sendCertificate(c *fiber.Ctx, o *path.Offer, l *i18n.Localizer) error {
	cert, err := s.Certificates.Issue(c.UserContext(), o, l.Lang)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := path.WritePDF(&b, path.NewSheet(l, s.Catalog.Default(), s.Config.BaseURL, o)); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+path.Filename(cert.Code)+`"`)
	return c.Send(b.Bytes())
}

// myCertificates are the signed-in person's certificates for /account.
func (s *Handlers) myCertificates(c *fiber.Ctx, p *request.Page) ([]certificateView, error) {
	personID, ok := s.OwnPersonID(c, p.User)
	if !ok {
		return nil, nil
	}
	offers, err := s.Certificates.ForPerson(c.UserContext(), personID)
	if err != nil {
		return nil, err
	}
	out := make([]certificateView, len(offers))
	for i := range offers {
		base := accountCertificatePath(offers[i].RegistrationID)
		out[i] = s.certificateView(p.L, &offers[i], base+".pdf", base)
	}
	return out, nil
}

type verifyCertificateData struct {
	Code     string
	Valid    bool
	Name     string
	Activity string
	Ended    string
	Hours    string
}

// VerifyCertificate is GET /verify/{code}: whether a certificate is valid,
// in the visitor's language. Anything but a valid code is one 404 page.
func (s *Handlers) VerifyCertificate(c *fiber.Ctx) error {
	code, _ := url.PathUnescape(c.Params("code"))
	p := s.Page(c, "verify_certificate_title", nil)
	p.NoIndex = true
	l := p.L
	v, err := s.Certificates.Verify(c.UserContext(), code)
	if errors.Is(err, path.ErrInvalidCode) {
		p.Data = verifyCertificateData{}
		return s.Render(c, fiber.StatusNotFound, tplVerifyCertificate, p)
	}
	if err != nil {
		return err
	}
	a := v.Activity
	p.Data = verifyCertificateData{Code: v.Code, Valid: true, Name: v.Name,
		Activity: path.Title(a, v.FullTitle, l.Lang, s.Catalog.Default(), l.T("certificate_neutral_title")),
		Ended:    a.Day(l, a.EndsAt), Hours: l.Number(activities.Hours(v.Minutes))}
	return s.Render(c, fiber.StatusOK, tplVerifyCertificate, p)
}
