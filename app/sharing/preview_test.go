package sharing

import (
	"strings"
	"testing"

	"unicode/utf8"

	"github.com/gotong/gotong/app/i18n"
)

func TestSummary(t *testing.T) {
	t.Parallel()
	words := strings.Repeat("Өвөрхангай ", 30) // 11 characters a word with its space
	for _, c := range []struct{ name, in, want string }{
		{"short", "Five days\n\noutdoors ", "Five days outdoors"},
		{"empty", "", ""},
		{"exactly the length", strings.Repeat("a", SummaryRunes), strings.Repeat("a", SummaryRunes)},
		// 18 words take 197 characters: the 19th does not fit before the ellipsis.
		{"cut at a word", words, strings.TrimSpace(strings.Repeat("Өвөрхангай ", 18)) + "…"},
		{"cut where a word ends", strings.Repeat("a", SummaryRunes-1) + " bc", strings.Repeat("a", SummaryRunes-1) + "…"},
		{"one long word", strings.Repeat("ж", 300), strings.Repeat("ж", SummaryRunes-1) + "…"},
	} {
		got := Summary(c.in)
		if got != c.want {
			t.Errorf("%s: Summary = %q, want %q", c.name, got, c.want)
		}
		if n := utf8.RuneCountInString(got); n > SummaryRunes {
			t.Errorf("%s: %d characters", c.name, n)
		}
	}
}

func TestLocale(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string]string{"en": "en_GB", "fr": "fr_FR", "id": "id_ID", "mn": "mn_MN", "de": ""} {
		if got := Locale(lang); got != want {
			t.Errorf("Locale(%s) = %q, want %q", lang, got, want)
		}
	}
	for _, lang := range i18n.Supported {
		if Locale(lang) == "" {
			t.Errorf("the portal speaks %s, which has no locale", lang)
		}
	}
}
