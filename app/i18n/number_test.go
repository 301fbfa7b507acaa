package i18n

import (
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/locales"
)

// TestMessageNumbers: a number given to a message is written as the
// language writes numbers; a year given as a string is left as it is.
func TestMessageNumbers(t *testing.T) {
	t.Parallel()
	cat, err := Load(locales.FS, "en", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, want string }{
		{"en", "1,000,000"},
		{"fr", "1\u00a0000\u00a0000"},
		{"id", "1.000.000"},
		{"mn", "1,000,000"},
	} {
		l := cat.Localizer(c.lang)
		if got := l.T("error_too_long", "Max", 1000000); !strings.Contains(got, c.want) || strings.Contains(got, "1000000") {
			t.Errorf("%s: error_too_long = %q, want %q in it", c.lang, got, c.want)
		}
		if got := l.T("error_petition_goal", "Max", int64(1000000)); !strings.Contains(got, c.want) {
			t.Errorf("%s: error_petition_goal = %q, want %q in it", c.lang, got, c.want)
		}
		if got := l.T("error_birth_year", "Min", "1900", "Max", "2026"); !strings.Contains(got, "1900") || !strings.Contains(got, "2026") {
			t.Errorf("%s: a year given as a string was reformatted: %q", c.lang, got)
		}
		if got := l.T("home_signed_in", "Name", "Ана 1000"); !strings.Contains(got, "Ана 1000") {
			t.Errorf("%s: a string value was changed: %q", c.lang, got)
		}
	}
}

func TestMongolianDate(t *testing.T) {
	t.Parallel()
	cat, err := Load(locales.FS, "en", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cat.Localizer("mn").Date(time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)); got != "2027 оны 1-р сарын 31" {
		t.Errorf("mn date = %q", got)
	}
}
