package people

import (
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
)

func TestInputValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	year := func(y int) *int { return &y }
	ok := Input{GivenName: " Сараа ", Email: " Saraa@Example.ORG ", Phone: "+976 (11) 32-45.67", BirthYear: year(2004),
		Region: "MN-057", Locality: Rural, Locale: "mn", Handle: "saraa", Tags: []string{"Privacy", "privacy", "LGBTI rights"}}
	for _, tc := range []struct {
		name  string
		edit  func(*Input)
		field string // "" when valid
	}{
		{"valid", func(*Input) {}, ""},
		{"only a given name", func(in *Input) { *in = Input{GivenName: "A"} }, ""},
		{"no given name", func(in *Input) { in.GivenName = "  " }, "given_name"},
		{"given name too long", func(in *Input) { in.GivenName = string(make([]rune, 101)) }, "given_name"},
		{"bad email", func(in *Input) { in.Email = "saraa@" }, "email"},
		{"phone with letters", func(in *Input) { in.Phone = "call me" }, "phone"},
		{"phone too short", func(in *Input) { in.Phone = "+1" }, "phone"},
		{"plus inside phone", func(in *Input) { in.Phone = "12+34" }, "phone"},
		{"born too early", func(in *Input) { in.BirthYear = year(1899) }, "birth_year"},
		{"born next year", func(in *Input) { in.BirthYear = year(2027) }, "birth_year"},
		{"unknown region", func(in *Input) { in.Region = "XX-1" }, "region"},
		{"unknown locality", func(in *Input) { in.Locality = "suburban" }, "locality"},
		{"unknown language", func(in *Input) { in.Locale = "de" }, "locale"},
		{"handle only @", func(in *Input) { in.Handle = "@@" }, "handle"},
		{"handle with a space", func(in *Input) { in.Handle = "@sa raa" }, "handle"},
		{"tag with a comma", func(in *Input) { in.Tags = []string{"a,b"} }, "tags"},
		{"NUL in a given name", func(in *Input) { in.GivenName = "Sa\x00raa" }, "given_name"},
		{"invalid UTF-8 in a family name", func(in *Input) { in.FamilyName = "Bold\xff" }, "family_name"},
		{"CR in a given name", func(in *Input) { in.GivenName = "Saraa\rORGANIZER:x" }, "given_name"},
		{"line separator in a handle", func(in *Input) { in.Handle = "@sa\u2028raa" }, "handle"},
		{"escape in a tag", func(in *Input) { in.Tags = []string{"priv\x1bacy"} }, "tags"},
		{"invalid UTF-8 in a tag", func(in *Input) { in.Tags = []string{"PRIV\xffACY"} }, "tags"},
		{"NUL in an email", func(in *Input) { in.Email = "saraa\x00@example.org" }, "email"},
		{"C1 control in an email", func(in *Input) { in.Email = "saraa\u0085@example.org" }, "email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			in.Tags = append([]string(nil), ok.Tags...)
			tc.edit(&in)
			f := apperr.Fields{}
			in.Validate(f, now)
			if tc.field == "" {
				if len(f) != 0 {
					t.Fatalf("errors %v, want none", f)
				}
				return
			}
			if _, found := f[tc.field]; !found || len(f) != 1 {
				t.Fatalf("errors %v, want one on %s", f, tc.field)
			}
		})
	}
	in := ok
	in.Validate(apperr.Fields{}, now)
	if in.GivenName != "Сараа" || in.Email != "saraa@example.org" || in.Handle != "@saraa" ||
		len(in.Tags) != 2 || in.Tags[0] != "lgbti rights" || in.Tags[1] != "privacy" {
		t.Fatalf("normalised = %+v", in)
	}
	var p Person
	in.Apply(&p)
	if p.Email == nil || *p.Email != "saraa@example.org" || p.Handle != "@saraa" || *p.BirthYear != 2004 {
		t.Fatalf("applied = %+v", p)
	}
	empty := Input{GivenName: "B"}
	empty.Apply(&p)
	if p.Email != nil {
		t.Fatal("an input without email leaves the email set")
	}
}

// TestDeclaredRefusesControlCharacters: what a public form declares (a
// registration, a signature) is refused with a field error when it holds a
// NUL, bytes that are not UTF-8 or a control character.
func TestDeclaredRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	needs := func(s string) *string { return &s }
	for _, tc := range []struct {
		name  string
		edit  func(*Declared)
		field string
	}{
		{"NUL in a given name", func(d *Declared) { d.GivenName = "Sa\x00raa" }, "given_name"},
		{"invalid UTF-8 in a family name", func(d *Declared) { d.FamilyName = "\xc3Bold" }, "family_name"},
		{"bare CR in a family name", func(d *Declared) { d.FamilyName = "Bold\rX" }, "family_name"},
		{"NUL in accessibility needs", func(d *Declared) { d.Sensitive.AccessibilityNeeds = needs("ramp\x00") }, "accessibility_needs"},
		{"NUL in an email", func(d *Declared) { d.Email = "a\x00@example.org" }, "email"},
	} {
		d := Declared{GivenName: "Saraa", FamilyName: "Bold", Email: "saraa@example.org", BirthYear: 2004, Locality: Rural,
			Sensitive: Sensitive{AccessibilityNeeds: needs("a ramp,\r\nand a quiet room")}}
		tc.edit(&d)
		f := apperr.Fields{}
		d.Validate(f, now)
		if m, found := f[tc.field]; !found || len(f) != 1 || m.ID == "error_required" {
			t.Errorf("%s: errors %v, want one on %s", tc.name, f, tc.field)
		}
		c := Contact{GivenName: d.GivenName, FamilyName: d.FamilyName, Email: d.Email}
		f = apperr.Fields{}
		if c.Validate(f); tc.field != "accessibility_needs" && len(f) != 1 {
			t.Errorf("%s: a signature's errors %v", tc.name, f)
		}
	}
}
