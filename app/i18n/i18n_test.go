package i18n

import (
	"testing"
	"time"

	"github.com/gotong/gotong/locales"
)

func TestNegotiate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                        string
		query, cookie, pref, accept string
		want                        string
	}{
		{"query wins", "fr", "mn", "id", "en", "fr"},
		{"query case-insensitive", "MN", "", "", "", "mn"},
		{"cookie remembers the query", "", "mn", "id", "fr", "mn"},
		{"user preference", "", "", "id", "fr", "id"},
		{"accept-language", "", "", "", "de-DE,fr;q=0.8,en;q=0.5", "fr"},
		{"accept-language region", "", "", "", "id-ID", "id"},
		{"accept-language mongolian", "", "", "", "mn-MN,ru;q=0.5", "mn"},
		{"default when nothing matches", "", "", "", "de,ru", "en"},
		{"unsupported query passed over", "de", "", "fr", "", "fr"},
		{"unsupported cookie passed over", "", "xx", "", "id", "id"},
		{"malformed accept-language", "", "", "", ";;;q=abc", "en"},
		{"empty", "", "", "", "", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Negotiate(tc.query, tc.cookie, tc.pref, tc.accept, "en"); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	if got := Negotiate("", "", "", "", "mn"); got != "mn" {
		t.Fatalf("configured default: got %q", got)
	}
}

func FuzzNegotiate(f *testing.F) {
	f.Add("fr", "", "", "en-GB,en;q=0.9")
	f.Add("", "mn", "id", ";q=0")
	f.Fuzz(func(t *testing.T, q, c, p, a string) {
		if got := Negotiate(q, c, p, a, "en"); !IsSupported(got) {
			t.Fatalf("Negotiate chose unsupported %q", got)
		}
	})
}

func TestLocalizer(t *testing.T) {
	t.Parallel()
	cat, err := Load(locales.FS, "en", nil)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2027, 7, 1, 9, 5, 0, 0, time.UTC)
	en := cat.Localizer("en")
	if got := en.Date(day); got != "July 1, 2027" {
		t.Errorf("en date = %q", got)
	}
	if got := en.Number(1234567); got != "1,234,567" {
		t.Errorf("en number = %q", got)
	}
	if got := en.Plural("users_count", 1); got != "1 account" {
		t.Errorf("en plural one = %q", got)
	}
	if got := en.Plural("users_count", 2); got != "2 accounts" {
		t.Errorf("en plural other = %q", got)
	}
	fr := cat.Localizer("fr")
	if got := fr.Number(1234567); got != "1 234 567" && got != "1\u00a0234\u00a0567" && got != "1\u202f234\u202f567" {
		t.Errorf("fr number = %q", got)
	}
	if en.T("no_such_key") != "no_such_key" {
		t.Error("a missing message should show its id")
	}
	if cat.Localizer("xx").Lang != "en" {
		t.Error("an unknown language should get the default localizer")
	}
	for _, lang := range Supported {
		l := cat.Localizer(lang)
		if l.Date(day) == "" || l.DateTime(day) == "" {
			t.Errorf("%s: empty date", lang)
		}
		if l.Plural("users_count", 1) == l.Plural("users_count", 2) && lang != "id" && lang != "mn" {
			t.Errorf("%s: plural forms do not differ", lang)
		}
	}
}

// TestClock: a time of day as each language writes it, in the time's own
// location (the caller's zone), and DateTime in UTC whatever the location.
func TestClock(t *testing.T) {
	t.Parallel()
	cat, err := Load(locales.FS, "en", nil)
	if err != nil {
		t.Fatal(err)
	}
	ulaanbaatar := time.FixedZone("UB", 8*3600)
	at := time.Date(2027, 1, 12, 1, 5, 0, 0, time.UTC).In(ulaanbaatar) // 09:05 there
	for _, tc := range []struct{ lang, clock, dateClock, dateTime string }{
		{"en", "09:05", "January 12, 2027, 09:05", "January 12, 2027, 01:05"},
		{"fr", "09\u00a0h\u00a005", "12 janvier 2027 à 09\u00a0h\u00a005", "12 janvier 2027 à 01\u00a0h\u00a005"},
		{"id", "09.05", "12 Januari 2027 pukul 09.05", "12 Januari 2027 pukul 01.05"},
		{"mn", "09:05", "2027 оны 1-р сарын 12, 09:05", "2027 оны 1-р сарын 12, 01:05"},
	} {
		l := cat.Localizer(tc.lang)
		if got := l.Clock(at); got != tc.clock {
			t.Errorf("%s clock = %q, want %q", tc.lang, got, tc.clock)
		}
		if got := l.DateClock(at); got != tc.dateClock {
			t.Errorf("%s date and clock = %q, want %q", tc.lang, got, tc.dateClock)
		}
		if got := l.DateTime(at); got != tc.dateTime {
			t.Errorf("%s date and time in UTC = %q, want %q", tc.lang, got, tc.dateTime)
		}
		if l.DateClock(time.Time{}) != "" {
			t.Errorf("%s: the zero time is written", tc.lang)
		}
	}
}
