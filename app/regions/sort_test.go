package regions

import (
	"slices"
	"testing"
)

func names(rs []Region, lang string) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name(lang)
	}
	return out
}

// before reports whether a comes before b in list.
func before(list []string, a, b string) bool {
	i, j := slices.Index(list, a), slices.Index(list, b)
	return i >= 0 && j >= 0 && i < j
}

// TestSortByName: regions follow their names in the reader's language, with
// the language's letters (Cyrillic Ө, Ү; French Î, É) where they belong,
// not after Z as byte order would put them.
func TestSortByName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lang, country string
		first         string
		pairs         [][2]string // each [0] comes before [1]
	}{
		{"mn", "MN", "Архангай", [][2]string{
			{"Баян-Өлгий", "Баянхонгор"}, {"Орхон", "Өвөрхангай"}, {"Өмнөговь", "Сэлэнгэ"},
			{"Төв", "Увс"}, {"Увс", "Улаанбаатар"}, {"Улаанбаатар", "Хэнтий"}, {"Ховд", "Хөвсгөл"}}},
		{"en", "MN", "Arkhangai", [][2]string{{"Khovd", "Khövsgöl"}, {"Orkhon", "Övörkhangai"}, {"Töv", "Ulaanbaatar"}, {"Ulaanbaatar", "Uvs"}}},
		{"fr", "FR", "Auvergne-Rhône-Alpes", [][2]string{{"Hauts-de-France", "Île-de-France"}, {"Île-de-France", "La Réunion"}, {"Guyane", "Hauts-de-France"}}},
		{"fr", "ID", "Aceh", [][2]string{{"Gorontalo", "Îles Bangka Belitung"}, {"Îles Bangka Belitung", "Jambi"}}},
		{"id", "ID", "Aceh", [][2]string{{"Jawa Barat", "Jawa Tengah"}, {"Jawa Tengah", "Jawa Timur"}}},
	} {
		rs := ByCountry(c.country)
		SortByName(rs, c.lang)
		got := names(rs, c.lang)
		if len(rs) != len(ByCountry(c.country)) || got[0] != c.first {
			t.Errorf("%s %s: starts with %q, want %q (%v)", c.lang, c.country, got[0], c.first, got)
		}
		for _, p := range c.pairs {
			if !before(got, p[0], p[1]) {
				t.Errorf("%s %s: %q should come before %q: %v", c.lang, c.country, p[0], p[1], got)
			}
		}
	}
}
