package ui

import (
	"errors"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
)

// languageOption is a choice of the preferred-language select.
type languageOption struct {
	Code, Name string
	Selected   bool
}

type accountData struct {
	Languages     []languageOption
	Saved         bool
	Cancelled     bool
	Registrations []myRegistration
	Path          *pathView // nil for an account with no person record
	Certificates  []certificateView
}

func (s *Handlers) accountPage(c *fiber.Ctx, status int, form map[string]string, errs map[string]string) error {
	u := request.CurrentUser(c)
	locale := u.Locale
	if form != nil {
		locale = form["locale"]
	}
	data := accountData{Saved: c.Query("saved") == "1", Cancelled: c.Query("cancelled") == "1"}
	for _, code := range i18n.Supported {
		data.Languages = append(data.Languages, languageOption{Code: code,
			Name: s.Catalog.Localizer(code).T("lang_name"), Selected: code == locale})
	}
	p := s.Page(c, "account_title", nil)
	regs, err := s.myRegistrations(c, p)
	if err != nil {
		return err
	}
	data.Registrations = regs
	journey, ok, err := s.OwnPath(c, u)
	if err != nil {
		return err
	}
	if ok {
		v := pathViewOf(p, s.Catalog.Default(), journey, "path_heading_own", "path_none_own", false)
		data.Path = &v
	}
	if data.Certificates, err = s.myCertificates(c, p); err != nil {
		return err
	}
	p.Data = data
	if form == nil {
		form = map[string]string{"display_name": u.DisplayName}
	}
	p.Form, p.Errors = form, errs
	p.Label("display_name", "field_display_name", "locale", "field_locale", "confirm", "rights_erase_heading")
	p.Fields = append(p.Fields, request.Field{Key: "erase", Label: p.L.T("rights_erase_heading"), Target: "f-confirm"})
	return s.Render(c, status, tplAccount, p)
}

func (s *Handlers) Account(c *fiber.Ctx) error {
	return s.accountPage(c, fiber.StatusOK, nil, nil)
}

// AccountSave updates the user's own name and preferred language.
func (s *Handlers) AccountSave(c *fiber.Ctx) error {
	u := request.CurrentUser(c)
	name, locale := c.FormValue("display_name"), c.FormValue("locale")
	err := s.Users.UpdateProfile(c.UserContext(), u.ID, name, locale)
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind == apperr.Invalid {
		l := s.Localizer(c)
		errs := map[string]string{}
		for field, m := range ae.Fields {
			errs[field] = l.T(m.ID, m.Args...)
		}
		return s.accountPage(c, fiber.StatusUnprocessableEntity,
			map[string]string{"display_name": name, "locale": locale}, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/account?saved=1", fiber.StatusSeeOther)
}
