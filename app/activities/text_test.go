package activities

import "testing"

// TestTextIn: each field comes in the reader's language when it has it, else
// from another, and says which; nothing present anywhere is dropped.
func TestTextIn(t *testing.T) {
	t.Parallel()
	a := &Activity{Translations: []Translation{
		{Locale: "mn", Title: "Талын зуслан"},
		{Locale: "en", Title: "Steppe camp", Summary: "Five days outdoors"},
		{Locale: "fr", Title: "Camp", Description: "Cinq jours dehors"},
	}}
	for _, c := range []struct {
		lang string
		want Text
	}{
		{"mn", Text{Title: "Талын зуслан", Lang: "mn", Summary: "Five days outdoors", SummaryLang: "en",
			Description: "Cinq jours dehors", DescriptionLang: "fr", Fallback: true}},
		{"en", Text{Title: "Steppe camp", Lang: "en", Summary: "Five days outdoors", SummaryLang: "en",
			Description: "Cinq jours dehors", DescriptionLang: "fr", Fallback: true}},
		{"id", Text{Title: "Steppe camp", Lang: "en", Summary: "Five days outdoors", SummaryLang: "en",
			Description: "Cinq jours dehors", DescriptionLang: "fr", Fallback: true}},
	} {
		if got := a.TextIn(c.lang, "en"); got != c.want {
			t.Errorf("TextIn(%s) = %+v, want %+v", c.lang, got, c.want)
		}
	}
	whole := &Activity{Translations: []Translation{{Locale: "fr", Title: "Camp", Summary: "Résumé", Description: "Texte"}}}
	if got := whole.TextIn("fr", "en"); got.Fallback || got.SummaryLang != "fr" || got.DescriptionLang != "fr" {
		t.Errorf("a whole translation: %+v", got)
	}
	if got := (&Activity{}).TextIn("mn", "en"); got != (Text{Lang: "mn", SummaryLang: "mn", DescriptionLang: "mn"}) {
		t.Errorf("no texts: %+v", got)
	}
}
