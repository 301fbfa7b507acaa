package peopleseed

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/regions"
)

// TestGenerateIsDeterministic: a seed and an index always give the same
// person, another seed other people.
func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	for i := range 200 {
		a, b := Generate(7, i), Generate(7, i)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("person %d differs between two calls: %+v, %+v", i, a, b)
		}
	}
	same := 0
	for i := range 200 {
		if Generate(7, i).GivenName == Generate(8, i).GivenName && Generate(7, i).Region == Generate(8, i).Region {
			same++
		}
	}
	if same > 20 {
		t.Fatalf("seeds 7 and 8 gave %d of 200 people alike", same)
	}
}

// TestGeneratedPeople checks the shares the package promises and that
// every person generated is one the portal would accept.
func TestGeneratedPeople(t *testing.T) {
	t.Parallel()
	const n = 20000
	emails := map[string]bool{}
	handles := map[string]bool{}
	themes := map[string]bool{}
	for _, th := range Themes {
		themes[th.Name] = true
	}
	var withHandle, rural, volunteers, tagLinks, privacy, news int
	locales := map[string]int{}
	for i := range n {
		p := Generate(3, i)
		e := p.Email()
		if e != mailaddr.Normalize(e) || !mailaddr.Valid(e) || emails[e] {
			t.Fatalf("person %d: email %q invalid, not normalised or repeated", i, e)
		}
		emails[e] = true
		if p.GivenName == "" || !regions.Valid(p.Region) || !i18n.IsSupported(p.Locale) ||
			*p.BirthYear < FirstBirthYear || *p.BirthYear > LastBirthYear ||
			!p.CreatedAt.Before(PeriodEnd) || p.CreatedAt.Before(PeriodEnd.Add(-Period)) ||
			p.ConsentAt == nil || !p.ConsentAt.Equal(p.CreatedAt) || p.Source != Source || p.ConsentVersion != people.ConsentVersion {
			t.Fatalf("person %d: %+v", i, p.Person)
		}
		cyrillic := strings.IndexFunc(p.GivenName, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0
		if cyrillic != (p.Locale == "mn") {
			t.Fatalf("person %d: name %q in locale %s", i, p.GivenName, p.Locale)
		}
		if country := map[string]string{"mn": "MN", "id": "ID", "fr": "FR"}[p.Locale]; country != "" && !strings.HasPrefix(p.Region, country+"-") {
			t.Fatalf("person %d: locale %s in region %s", i, p.Locale, p.Region)
		}
		locales[p.Locale]++
		if p.Handle != "" {
			withHandle++
			h := people.NormalizeHandle(p.Handle)
			if handles[h] || !strings.HasPrefix(p.Handle, "@") || h != strings.ToLower(strings.TrimPrefix(p.Handle, "@")) {
				t.Fatalf("person %d: handle %q repeated or not in the form matching folds", i, p.Handle)
			}
			handles[h] = true
		}
		if p.Locality == people.Rural {
			rural++
		} else if p.Locality != people.Urban {
			t.Fatalf("person %d: locality %q", i, p.Locality)
		}
		if p.Volunteer {
			volunteers++
		}
		if p.NewsAt != nil {
			if !p.NewsAt.Equal(p.CreatedAt) {
				t.Fatalf("person %d: consent to news at %v, created at %v", i, p.NewsAt, p.CreatedAt)
			}
			news++
		}
		if len(p.Tags) > MaxTags {
			t.Fatalf("person %d: %d tags", i, len(p.Tags))
		}
		seen := map[string]bool{}
		for _, tag := range p.Tags {
			if !themes[tag] || seen[tag] || tag != people.TagName(tag) {
				t.Fatalf("person %d: tags %v", i, p.Tags)
			}
			seen[tag] = true
			if tag == "privacy" {
				privacy++
			}
		}
		tagLinks += len(p.Tags)
	}
	near := func(what string, got int, perMille float64) {
		t.Helper()
		if share := 1000 * float64(got) / n; math.Abs(share-perMille) > 15 {
			t.Errorf("%s: %.0f‰, want about %.0f‰", what, share, perMille)
		}
	}
	near("handles", withHandle, HandlePerMille)
	near("rural", rural, RuralPerMille)
	near("volunteers", volunteers, VolunteerPerMille)
	near("news", news, NewsPerMille)
	near("privacy", privacy, 180) // 12/150 of the draws, about two a person
	if avg := float64(tagLinks) / n; avg < 1.8 || avg > 2.1 {
		t.Errorf("%.2f tags a person, want about 2", avg)
	}
	for _, l := range []string{"en", "fr", "mn", "id"} {
		if locales[l] < n/20 {
			t.Errorf("only %d people of %d speak %s", locales[l], n, l)
		}
	}
	if len(Themes) < 18 || !themes["privacy"] {
		t.Errorf("%d themes, privacy among them: %v", len(Themes), themes["privacy"])
	}
}

// TestEmailsDifferAcrossSeeds: two seeds never give one address, so
// seeding another seed adds people.
func TestEmailsDifferAcrossSeeds(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, seed := range []int64{0, 1, 11, 12} {
		for i := range 2000 {
			e := Email(seed, i)
			if seen[e] {
				t.Fatalf("seed %d, person %d: %s given twice", seed, i, e)
			}
			seen[e] = true
		}
	}
}
