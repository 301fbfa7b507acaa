package regions

import (
	"regexp"
	"slices"
	"testing"
	"unicode"
)

var langs = []string{"en", "fr", "mn", "id"}

func TestCounts(t *testing.T) {
	t.Parallel()
	want := map[string]int{"MN": 22, "ID": 38, "FR": 18}
	for c, n := range want {
		if got := len(ByCountry(c)); got != n {
			t.Errorf("len(ByCountry(%q)) = %d, want %d", c, got, n)
		}
	}
	if got := len(All()); got != 22+38+18 {
		t.Errorf("len(All()) = %d, want %d", got, 22+38+18)
	}
	for _, c := range []string{"", "XX", "mn", "DE"} {
		if got := ByCountry(c); got != nil {
			t.Errorf("ByCountry(%q) = %v, want nil", c, got)
		}
	}
}

func TestCountries(t *testing.T) {
	t.Parallel()
	got := Countries()
	if !slices.Equal(got, []string{"MN", "ID", "FR"}) {
		t.Fatalf("Countries() = %v", got)
	}
	got[0] = "XX"
	if Countries()[0] != "MN" {
		t.Error("Countries() does not return a copy")
	}
}

func TestCodes(t *testing.T) {
	t.Parallel()
	form := regexp.MustCompile(`^([A-Z]{2})-[A-Z0-9]{1,3}$`)
	seen := map[string]bool{}
	for _, r := range All() {
		m := form.FindStringSubmatch(r.Code)
		if m == nil {
			t.Errorf("code %q is not of the form CC-XXX", r.Code)
			continue
		}
		if m[1] != r.Country {
			t.Errorf("code %q has country %q", r.Code, r.Country)
		}
		if !slices.Contains(Countries(), r.Country) {
			t.Errorf("code %q: unknown country %q", r.Code, r.Country)
		}
		if seen[r.Code] {
			t.Errorf("code %q appears twice", r.Code)
		}
		seen[r.Code] = true
	}
}

func TestOrder(t *testing.T) {
	t.Parallel()
	all := All()
	sorted := slices.IsSortedFunc(all, func(a, b Region) int {
		ra, rb := slices.Index(Countries(), a.Country), slices.Index(Countries(), b.Country)
		if ra != rb {
			return ra - rb
		}
		if a.Code < b.Code {
			return -1
		}
		if a.Code > b.Code {
			return 1
		}
		return 0
	})
	if !sorted {
		t.Error("All() is not ordered by country (MN, ID, FR) then by code")
	}
	if all[0].Country != "MN" || all[len(all)-1].Country != "FR" {
		t.Errorf("All() runs from %s to %s", all[0].Code, all[len(all)-1].Code)
	}
	for _, c := range Countries() {
		rs := ByCountry(c)
		if !slices.IsSortedFunc(rs, func(a, b Region) int {
			if a.Code < b.Code {
				return -1
			}
			if a.Code > b.Code {
				return 1
			}
			return 0
		}) {
			t.Errorf("ByCountry(%q) is not ordered by code", c)
		}
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	for _, r := range All() {
		if len(r.Names) != len(langs) {
			t.Errorf("%s has names in %d languages, want %d", r.Code, len(r.Names), len(langs))
		}
		for _, l := range langs {
			if r.Names[l] == "" {
				t.Errorf("%s has no %q name", r.Code, l)
			}
		}
		if !hasCyrillic(r.Names["mn"]) {
			t.Errorf("%s: Mongolian name %q has no Cyrillic letter", r.Code, r.Names["mn"])
		}
		for _, l := range []string{"en", "fr", "id"} {
			if hasCyrillic(r.Names[l]) {
				t.Errorf("%s: %q name %q has Cyrillic letters", r.Code, l, r.Names[l])
			}
		}
	}
}

func hasCyrillic(s string) bool {
	for _, c := range s {
		if unicode.Is(unicode.Cyrillic, c) {
			return true
		}
	}
	return false
}

func TestSomeNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ code, lang, want string }{
		{"MN-1", "mn", "Улаанбаатар"},
		{"MN-1", "fr", "Oulan-Bator"},
		{"MN-057", "en", "Zavkhan"},
		{"MN-057", "mn", "Завхан"},
		{"MN-071", "mn", "Баян-Өлгий"},
		{"ID-JB", "en", "West Java"},
		{"ID-JB", "fr", "Java occidental"},
		{"ID-JB", "mn", "Баруун Ява"},
		{"ID-JB", "id", "Jawa Barat"},
		{"ID-JK", "id", "DKI Jakarta"},
		{"ID-YO", "en", "Yogyakarta"},
		{"FR-BRE", "en", "Brittany"},
		{"FR-BRE", "fr", "Bretagne"},
		{"FR-COR", "id", "Korsika"},
		{"FR-973", "en", "French Guiana"},
		{"FR-973", "id", "Guyana Prancis"},
		{"FR-IDF", "mn", "Иль-де-Франс"},
	} {
		r, ok := Lookup(tc.code)
		if !ok {
			t.Errorf("Lookup(%q) failed", tc.code)
			continue
		}
		if got := r.Name(tc.lang); got != tc.want {
			t.Errorf("%s.Name(%q) = %q, want %q", tc.code, tc.lang, got, tc.want)
		}
	}
}

func TestLookupValid(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"MN-1", "MN-057", "MN-073", "ID-AC", "ID-PD", "ID-YO", "FR-ARA", "FR-976"} {
		r, ok := Lookup(code)
		if !ok || r.Code != code || r.Country != code[:2] {
			t.Errorf("Lookup(%q) = %+v, %v", code, r, ok)
		}
		if !Valid(code) {
			t.Errorf("Valid(%q) = false", code)
		}
	}
	for _, code := range []string{"", "MN", "MN-", "MN-999", "mn-057", "Mn-057", "MN-57", " MN-057", "MN-057 ", "ID-XX", "FR-975", "DE-BE", "FR-PAC-"} {
		if r, ok := Lookup(code); ok || r.Code != "" || r.Names != nil {
			t.Errorf("Lookup(%q) = %+v, %v", code, r, ok)
		}
		if Valid(code) {
			t.Errorf("Valid(%q) = true", code)
		}
	}
}

func TestCopies(t *testing.T) {
	t.Parallel()
	a := All()
	a[0].Code = "XX-000"
	a[0].Names["en"] = "changed"
	a[1].Names = nil
	a = append(a[:0], a[2:]...)
	_ = a
	b := All()
	if b[0].Code == "XX-000" || b[0].Names["en"] == "changed" || b[1].Names == nil || len(b) != 78 {
		t.Error("mutating the result of All() affected the next call")
	}

	r, _ := Lookup("MN-057")
	r.Names["en"] = "changed"
	if r2, _ := Lookup("MN-057"); r2.Names["en"] != "Zavkhan" {
		t.Error("mutating the result of Lookup() affected the next call")
	}
	if All()[slices.IndexFunc(All(), func(r Region) bool { return r.Code == "MN-057" })].Names["en"] != "Zavkhan" {
		t.Error("mutating the result of Lookup() affected All()")
	}

	c := ByCountry("FR")
	c[0].Names["fr"] = "changed"
	if ByCountry("FR")[0].Names["fr"] == "changed" {
		t.Error("mutating the result of ByCountry() affected the next call")
	}
}

func TestNameFallback(t *testing.T) {
	t.Parallel()
	r, _ := Lookup("FR-NOR")
	for lang, want := range map[string]string{
		"en": "Normandy",
		"fr": "Normandie",
		"id": "Normandia",
		"mn": "Нормандия",
		"de": "Normandy",
		"":   "Normandy",
		"FR": "Normandy",
	} {
		if got := r.Name(lang); got != want {
			t.Errorf("Name(%q) = %q, want %q", lang, got, want)
		}
	}
	r.Names = map[string]string{"en": "English only", "fr": ""}
	if got := r.Name("fr"); got != "English only" {
		t.Errorf("Name(fr) with empty French name = %q", got)
	}
	if got := (Region{}).Name("fr"); got != "" {
		t.Errorf("zero Region Name = %q", got)
	}
}
