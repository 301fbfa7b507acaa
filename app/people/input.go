package people

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/usertext"
)

// Input is a person as staff write one, by a form, the API or a CSV import:
// every field of API.md's Person but the id. Sensitive attributes are not
// part of it; only the person declares those.
type Input struct {
	GivenName  string   `json:"given_name"`
	FamilyName string   `json:"family_name"`
	Email      string   `json:"email"`
	Phone      string   `json:"phone"`
	BirthYear  *int     `json:"birth_year"`
	Region     string   `json:"region"`
	Locality   string   `json:"locality"`
	Locale     string   `json:"locale"`
	Handle     string   `json:"handle"`
	Volunteer  bool     `json:"volunteer"`
	Tags       []string `json:"tags"`
}

// Bounds of the free-text fields of a person.
const (
	MaxNameRunes   = 100
	MaxPhoneRunes  = 40
	MaxHandleRunes = 100
)

// Validate checks an input and normalises it in place (trimmed, email and
// tags case-folded, handle with one leading @, read from its profile link
// if written as one); now gives the current year.
// Every problem is added to f under the field's JSON name.
func (in *Input) Validate(f apperr.Fields, now time.Time) {
	in.GivenName = strings.TrimSpace(in.GivenName)
	in.FamilyName = strings.TrimSpace(in.FamilyName)
	in.Email = mailaddr.Normalize(in.Email)
	in.Phone = strings.TrimSpace(in.Phone)
	in.Region = strings.TrimSpace(in.Region)
	in.Locality = strings.TrimSpace(in.Locality)
	in.Locale = strings.TrimSpace(in.Locale)
	in.Handle = strings.TrimSpace(in.Handle)
	for field, v := range map[string]string{"given_name": in.GivenName, "family_name": in.FamilyName, "handle": in.Handle} {
		usertext.Check(f, field, v, usertext.Line)
	}
	switch {
	case in.GivenName == "":
		f.Add("given_name", "error_required")
	case utf8.RuneCountInString(in.GivenName) > MaxNameRunes:
		f.Add("given_name", "error_too_long", "Max", MaxNameRunes)
	}
	if utf8.RuneCountInString(in.FamilyName) > MaxNameRunes {
		f.Add("family_name", "error_too_long", "Max", MaxNameRunes)
	}
	if in.Email != "" && !mailaddr.Valid(in.Email) {
		f.Add("email", "error_email_invalid")
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		f.Add("phone", "error_phone_invalid")
	}
	if y := in.BirthYear; y != nil && (*y < MinBirthYear || *y > now.Year()) {
		birthYearError(f, "birth_year", now)
	}
	if in.Region != "" && !regions.Valid(in.Region) {
		f.Add("region", "error_region_unknown")
	}
	if in.Locality != "" && in.Locality != Urban && in.Locality != Rural {
		f.Add("locality", "error_locality")
	}
	if in.Locale != "" && !i18n.IsSupported(in.Locale) {
		f.Add("locale", "error_locale_unknown")
	}
	if in.Handle != "" {
		name := strings.TrimLeft(HandleOfLink(in.Handle), "@")
		if name == "" || utf8.RuneCountInString(name) > MaxHandleRunes || strings.IndexFunc(name, unicode.IsSpace) >= 0 {
			f.Add("handle", "error_handle_invalid", "Max", MaxHandleRunes)
		} else {
			in.Handle = "@" + name
		}
	}
	in.Tags = ValidateTags(f, "tags", in.Tags)
}

// validPhone accepts what people write as a phone number: digits, spaces,
// dots, dashes and brackets, an optional leading +, and at least 3 digits.
func validPhone(s string) bool {
	if utf8.RuneCountInString(s) > MaxPhoneRunes {
		return false
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '.', r == '-', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits >= 3
}

// InputOf is a person record with its tags as staff write it: Apply's
// inverse. Tags are never nil, so they show as a list.
func InputOf(p *Person, tags []string) Input {
	in := Input{GivenName: p.GivenName, FamilyName: p.FamilyName, Phone: p.Phone, Region: p.Region, Locality: p.Locality,
		Locale: p.Locale, Handle: p.Handle, Volunteer: p.Volunteer, Tags: slices.Clone(tags)}
	if p.Email != nil {
		in.Email = *p.Email
	}
	if p.BirthYear != nil {
		y := *p.BirthYear
		in.BirthYear = &y
	}
	if in.Tags == nil {
		in.Tags = []string{}
	}
	return in
}

// Apply writes an input's fields onto a person record; the email is nil
// when the input has none.
func (in *Input) Apply(p *Person) {
	p.GivenName, p.FamilyName, p.Phone = in.GivenName, in.FamilyName, in.Phone
	p.Email = nil
	if in.Email != "" {
		e := in.Email
		p.Email = &e
	}
	p.BirthYear = in.BirthYear
	p.Region, p.Locality, p.Locale, p.Handle, p.Volunteer = in.Region, in.Locality, in.Locale, in.Handle, in.Volunteer
	p.index()
}
