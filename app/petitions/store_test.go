package petitions_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/locales"
	"gorm.io/gorm"
)

func newStore(t *testing.T, db *gorm.DB) *petitions.Store {
	t.Helper()
	return newStoreAt(t, db, clock.System)
}

// loadCatalog is the catalogue, read once for every test.
var loadCatalog = sync.OnceValues(func() (*i18n.Catalog, error) { return i18n.Load(locales.FS, "en", nil) })

// newStoreAt is the store reading the time from now, its emailed links
// under http://gotong.test.
func newStoreAt(t *testing.T, db *gorm.DB, now clock.Clock) *petitions.Store {
	t.Helper()
	sealer := testSealer(t)
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return petitions.NewStore(db, people.NewStore(db, sealer, now), submissions.NewStore(db, sealer, now), cat, "http://gotong.test", now)
}

func testSealer(t *testing.T) *people.Sealer {
	t.Helper()
	sealer, err := people.NewSealer(keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Seal)
	if err != nil {
		t.Fatal(err)
	}
	return sealer
}

// newCampaign creates a campaign with an English title and its themes and
// returns its id.
func newCampaign(t *testing.T, db *gorm.DB, title string, themes ...string) int64 {
	t.Helper()
	c, err := campaigns.NewStore(db, auth.NewStoreWithParams(db, clock.System, auth.TestParams()), clock.System).Create(context.Background(), access.Viewer{Staff: true},
		campaigns.Input{Title: map[string]string{"en": title}, Tags: &themes})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func ptr[T any](v T) *T { return &v }

// input is a complete, valid petition of campaign.
func input(campaign int64, slug string) petitions.Input {
	return petitions.Input{CampaignID: &campaign, Slug: &slug, Goal: ptr(1000),
		Title: map[string]string{"en": "Free them now"}, Text: map[string]string{"en": "Release the students held for a peaceful protest."}}
}

// fieldOf returns the message id of field in err, or fails.
func fieldOf(t *testing.T, err error, field string) string {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
		t.Fatalf("error %v, want a validation error on %s", err, field)
	}
	m, ok := ae.Fields[field]
	if !ok {
		t.Fatalf("error %v names no %s", err, field)
	}
	return m.ID
}

func kindOf(err error) apperr.Kind {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Kind
	}
	return 0
}

func countRows(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreateAndUpdate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		camp := newCampaign(t, db, "Free expression", "expression")
		p, err := s.Create(ctx, 0, input(camp, "free-them"))
		if err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.Goal != 1000 || p.CampaignID != camp || p.Signatures != 0 {
			t.Fatalf("created %+v", p)
		}
		if entries, _ := audit.List(ctx, db, audit.Filter{Action: "petition.create"}); len(entries) != 1 {
			t.Errorf("%d petition.create audit entries, want 1", len(entries))
		}

		// Bad input is refused, field by field, and writes nothing.
		other := newCampaign(t, db, "Climate")
		bad := []struct {
			name, field, msg string
			change           func(*petitions.Input)
		}{
			{"goal zero", "goal", "error_petition_goal", func(in *petitions.Input) { in.Goal = ptr(0) }},
			{"goal negative", "goal", "error_petition_goal", func(in *petitions.Input) { in.Goal = ptr(-5) }},
			{"goal too high", "goal", "error_petition_goal", func(in *petitions.Input) { in.Goal = ptr(petitions.MaxGoal + 1) }},
			{"no goal", "goal", "error_petition_goal", func(in *petitions.Input) { in.Goal = nil }},
			{"unknown campaign", "campaign_id", "error_petition_campaign_unknown", func(in *petitions.Input) { in.CampaignID = ptr(int64(9999)) }},
			{"no campaign", "campaign_id", "error_required", func(in *petitions.Input) { in.CampaignID = nil }},
			{"no slug", "slug", "error_required", func(in *petitions.Input) { in.Slug = nil }},
			{"slug too short", "slug", "error_petition_slug", func(in *petitions.Input) { in.Slug = ptr("ab") }},
			{"slug too long", "slug", "error_petition_slug", func(in *petitions.Input) { in.Slug = ptr(strings.Repeat("a", 81)) }},
			{"slug with capitals", "slug", "error_petition_slug", func(in *petitions.Input) { in.Slug = ptr("Free-Them") }},
			{"slug with spaces", "slug", "error_petition_slug", func(in *petitions.Input) { in.Slug = ptr("free them") }},
			{"slug taken", "slug", "error_petition_slug_taken", func(in *petitions.Input) { in.Slug = ptr("free-them") }},
			{"no texts: title", "title", "error_title_required", func(in *petitions.Input) { in.Title, in.Text = nil, nil }},
			{"no texts: text", "text", "error_petition_text_required", func(in *petitions.Input) { in.Title, in.Text = nil, nil }},
			{"blank texts", "text", "error_petition_text_required", func(in *petitions.Input) { in.Title["en"], in.Text["en"] = " ", " " }},
			{"title only", "text", "error_petition_half_translation", func(in *petitions.Input) { in.Text = nil }},
			{"title without text", "text", "error_petition_half_translation", func(in *petitions.Input) { in.Title["fr"] = "Libérez-les" }},
			{"text without title", "title", "error_petition_half_translation", func(in *petitions.Input) { in.Text["mn"] = "Суллаач" }},
			{"unknown language", "title", "error_locale_unknown", func(in *petitions.Input) { in.Title["de"] = "Befreit sie" }},
			{"title too long", "title", "error_too_long", func(in *petitions.Input) { in.Title["en"] = strings.Repeat("x", 201) }},
		}
		for _, tc := range bad {
			in := input(other, "other-petition")
			tc.change(&in)
			_, err := s.Create(ctx, 0, in)
			if got := fieldOf(t, err, tc.field); got != tc.msg {
				t.Errorf("%s: %s says %s, want %s", tc.name, tc.field, got, tc.msg)
			}
		}
		if n := countRows(t, db, "petitions"); n != 1 {
			t.Fatalf("%d petitions after refusals, want 1", n)
		}
		if n := countRows(t, db, "petition_translations"); n != 1 {
			t.Fatalf("%d texts after refusals, want 1", n)
		}
		if err := petitions.Check(input(other, "fine-slug")); err != nil {
			t.Errorf("Check of a valid petition: %v", err)
		}

		// An update changes what it names and keeps the rest.
		up, err := s.Update(ctx, 7, p.ID, petitions.Input{Goal: ptr(50), CampaignID: &other,
			Title: map[string]string{"fr": "Libérez-les"}, Text: map[string]string{"fr": "Libérez les étudiants."}})
		if err != nil {
			t.Fatal(err)
		}
		if up.Goal != 50 || up.CampaignID != other || up.Slug != "free-them" || len(up.Translations) != 2 {
			t.Fatalf("updated %+v", up)
		}
		if got := up.TextIn("fr", "en"); got.Title != "Libérez-les" || got.Fallback {
			t.Errorf("French text %+v", got)
		}
		if got := up.TextIn("id", "en"); got.Title != "Free them now" || !got.Fallback || got.Lang != "en" {
			t.Errorf("Indonesian falls back to %+v, want English", got)
		}
		// Emptying a language removes it; emptying the last one is refused.
		up, err = s.Update(ctx, 7, p.ID, petitions.Input{Title: map[string]string{"fr": ""}, Text: map[string]string{"fr": ""}})
		if err != nil || len(up.Translations) != 1 {
			t.Fatalf("removing French: %v, %+v", err, up)
		}
		_, err = s.Update(ctx, 7, p.ID, petitions.Input{Title: map[string]string{"en": ""}, Text: map[string]string{"en": ""}})
		if got := fieldOf(t, err, "title"); got != "error_title_required" {
			t.Errorf("removing every text: %s", got)
		}
		_, err = s.Update(ctx, 7, p.ID, petitions.Input{Goal: ptr(0)})
		if got := fieldOf(t, err, "goal"); got != "error_petition_goal" {
			t.Errorf("goal 0 on update: %s", got)
		}
		second, err := s.Create(ctx, 0, input(other, "second-one"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Update(ctx, 7, second.ID, petitions.Input{Slug: ptr("free-them")})
		if got := fieldOf(t, err, "slug"); got != "error_petition_slug_taken" {
			t.Errorf("slug taken on update: %s", got)
		}
		if _, err := s.Update(ctx, 7, 99999, petitions.Input{Goal: ptr(5)}); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("update of an unknown petition: %v", err)
		}
		got, err := s.Get(ctx, access.Viewer{Staff: true}, p.ID)
		if err != nil || got.Goal != 50 || got.Slug != "free-them" {
			t.Fatalf("after refused updates: %v, %+v", err, got)
		}
		if entries, _ := audit.List(ctx, db, audit.Filter{Action: "petition.update"}); len(entries) != 2 {
			t.Errorf("%d petition.update audit entries, want 2", len(entries))
		}
	})
}

func signer(email string) petitions.Signer {
	return petitions.Signer{GivenName: "Saraa", FamilyName: "Bold", Email: email, Region: "MN-057", Consent: true}
}

// tagsOf returns the tags of the person with email.
func tagsOf(t *testing.T, db *gorm.DB, email string) []string {
	t.Helper()
	var p people.Person
	if err := db.Where("email = ?", email).Take(&p).Error; err != nil {
		t.Fatal(err)
	}
	tags, err := people.TagsOf(db, []int64{p.ID})
	if err != nil {
		t.Fatal(err)
	}
	return tags[p.ID]
}

func TestSign(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		camp := newCampaign(t, db, "Free expression", "expression", "students")
		p, err := s.Create(ctx, 0, input(camp, "free-them"))
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Sign(ctx, "free-them", signer(" Saraa@Example.org "), "mn")
		if err != nil || n != 1 {
			t.Fatalf("first signature: %d, %v", n, err)
		}
		var person people.Person
		if err := db.Where("email = ?", "saraa@example.org").Take(&person).Error; err != nil {
			t.Fatalf("the signer is not a person: %v", err)
		}
		if person.BirthYear != nil || person.Locality != "" || person.Source != "petition" || person.Locale != "mn" || person.Region != "MN-057" {
			t.Errorf("signer %+v", person)
		}
		if got := tagsOf(t, db, "saraa@example.org"); !slices.Equal(got, []string{"expression", "students"}) {
			t.Errorf("signer's tags %v, want the campaign's themes", got)
		}
		var sig petitions.Signature
		if err := db.Where("petition_id = ?", p.ID).Take(&sig).Error; err != nil {
			t.Fatal(err)
		}
		if sig.PersonID == nil || *sig.PersonID != person.ID || sig.ConsentVersion != people.ConsentVersion || sig.Region != "MN-057" {
			t.Errorf("signature %+v", sig)
		}

		// The same email in another case: 409, and the count stays.
		_, err = s.Sign(ctx, "free-them", signer("SARAA@EXAMPLE.ORG"), "en")
		if kindOf(err) != apperr.Conflict {
			t.Fatalf("second signature: %v, want a conflict", err)
		}
		if got, _ := s.GetBySlug(ctx, "free-them"); got.Signatures != 1 {
			t.Fatalf("count %d after a second signature, want 1", got.Signatures)
		}

		// A person known from elsewhere signs, keeps their record and tags,
		// and gains the campaign's themes.
		now := time.Now().UTC()
		if err := db.Exec("INSERT INTO people (given_name, email, birth_year, locality, created_at, updated_at) VALUES ('Bat', 'bat@example.org', 2004, 'rural', ?, ?)", now, now).Error; err != nil {
			t.Fatal(err)
		}
		if err := database.Tx(ctx, db, func(tx *gorm.DB) error {
			ids, err := people.EnsureTags(tx, []string{"climate"})
			if err != nil {
				return err
			}
			return tx.Exec("INSERT INTO person_tags (person_id, tag_id) SELECT id, ? FROM people WHERE email = 'bat@example.org'", ids["climate"]).Error
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Sign(ctx, "free-them", petitions.Signer{GivenName: "B", Email: "Bat@example.org", Consent: true}, "en"); err != nil || n != 2 {
			t.Fatalf("known person signs: %d, %v", n, err)
		}
		var bat people.Person
		db.Where("email = ?", "bat@example.org").Take(&bat)
		if bat.GivenName != "Bat" || bat.BirthYear == nil || *bat.BirthYear != 2004 || bat.Locality != "rural" {
			t.Errorf("the form changed a known person: %+v", bat)
		}
		if got := tagsOf(t, db, "bat@example.org"); !slices.Equal(got, []string{"climate", "expression", "students"}) {
			t.Errorf("known person's tags %v", got)
		}

		// Bad forms are refused before anything is written.
		before := [3]int64{countRows(t, db, "people"), countRows(t, db, "signatures"), countRows(t, db, "form_limits")}
		for name, tc := range map[string]struct {
			sig   petitions.Signer
			field string
		}{
			"no consent":    {petitions.Signer{GivenName: "A", Email: "a@example.org"}, "consent"},
			"bad email":     {petitions.Signer{GivenName: "A", Email: "not-an-email", Consent: true}, "email"},
			"no email":      {petitions.Signer{GivenName: "A", Consent: true}, "email"},
			"no given name": {petitions.Signer{GivenName: "  ", Email: "a@example.org", Consent: true}, "given_name"},
			"bad region":    {petitions.Signer{GivenName: "A", Email: "a@example.org", Region: "XX-1", Consent: true}, "region"},
		} {
			_, err := s.Sign(ctx, "free-them", tc.sig, "en")
			fieldOf(t, err, tc.field)
			_ = name
		}
		if _, err := s.Sign(ctx, "no-such-petition", signer("c@example.org"), "en"); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("unknown petition: %v", err)
		}
		after := [3]int64{countRows(t, db, "people"), countRows(t, db, "signatures"), countRows(t, db, "form_limits")}
		if before != after {
			t.Errorf("refused forms wrote: people, signatures, limits %v, then %v", before, after)
		}
	})
}

// TestSignConcurrently: several tries at once with one email, in different
// letter cases, give one signature and a conflict for every other.
func TestSignConcurrently(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		camp := newCampaign(t, db, "Free expression", "expression")
		if _, err := s.Create(ctx, 0, input(camp, "free-them")); err != nil {
			t.Fatal(err)
		}
		const tries = 6
		var wg sync.WaitGroup
		errs := make([]error, tries)
		start := make(chan struct{})
		for i := range tries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				email := "saraa@example.org"
				if i%2 == 1 {
					email = strings.ToUpper(email)
				}
				_, errs[i] = s.Sign(ctx, "free-them", signer(email), "en")
			}()
		}
		close(start)
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case kindOf(err) == apperr.Conflict:
				conflicts++
			default:
				t.Errorf("concurrent signature: %v", err)
			}
		}
		if ok != 1 || conflicts != tries-1 {
			t.Fatalf("%d signed and %d conflicts, want 1 and %d", ok, conflicts, tries-1)
		}
		if n := countRows(t, db, "signatures"); n != 1 {
			t.Fatalf("%d signatures, want 1", n)
		}
		if n := countRows(t, db, "people"); n != 1 {
			t.Fatalf("%d people, want 1", n)
		}
	})
}

// TestSignNotLimitedPerEmail: staff's signature at once sends no email, so
// no limit per email holds it back: one email signs more petitions than the
// limit of public forms, each answered as any other, and nothing is counted.
func TestSignNotLimitedPerEmail(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		camp := newCampaign(t, db, "Free expression", "expression")
		for i := range formlimit.PerEmail + 1 {
			slug := fmt.Sprintf("petition-%d", i)
			if _, err := s.Create(ctx, 0, input(camp, slug)); err != nil {
				t.Fatal(err)
			}
			if n, err := s.Sign(ctx, slug, signer("Saraa@example.org"), "en"); err != nil || n != 1 {
				t.Fatalf("signature %d: %d, %v", i+1, n, err)
			}
			if _, err := s.Sign(ctx, slug, signer("saraa@example.org"), "en"); kindOf(err) != apperr.Conflict {
				t.Fatalf("signature %d again: %v", i+1, err)
			}
		}
		if n := countRows(t, db, "form_limits"); n != 0 {
			t.Fatalf("%d form counters", n)
		}
	})
}

func TestListAndCounts(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		shared := newCampaign(t, db, "Shared", "expression")
		staffOnly := newCampaign(t, db, "Staff only")
		now := time.Now().UTC()
		if err := db.Exec("INSERT INTO partners (id, name, kind, created_at, updated_at) VALUES (41, 'Youth council', 'youth_council', ?, ?), (42, 'Other', 'ngo', ?, ?)", now, now, now, now).Error; err != nil {
			t.Fatal(err)
		}
		// Partner 41 takes part in the shared campaign at two stages.
		if err := db.Exec("INSERT INTO campaign_partners (campaign_id, partner_id, stage) VALUES (?, 41, 'planning'), (?, 41, 'monitoring')", shared, shared).Error; err != nil {
			t.Fatal(err)
		}
		a, _ := s.Create(ctx, 0, input(shared, "shared-one"))
		b, _ := s.Create(ctx, 0, input(staffOnly, "staff-one"))
		for i := range 3 {
			if _, err := s.Sign(ctx, "shared-one", signer(fmt.Sprintf("p%d@example.org", i)), "en"); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(list []petitions.Petition) []int64 {
			var out []int64
			for _, p := range list {
				out = append(out, p.ID)
			}
			return out
		}
		all, err := s.List(ctx, access.Viewer{Staff: true})
		if err != nil || !slices.Equal(ids(all), []int64{b.ID, a.ID}) || all[1].Signatures != 3 || all[0].Signatures != 0 {
			t.Fatalf("staff list %v: %+v", err, all)
		}
		mine, _ := s.List(ctx, access.Viewer{PartnerID: 41})
		if !slices.Equal(ids(mine), []int64{a.ID}) || mine[0].Signatures != 3 {
			t.Fatalf("partner 41 sees %+v, want only the shared campaign's petition", mine)
		}
		for _, v := range []access.Viewer{{PartnerID: 42}, {}} {
			if list, _ := s.List(ctx, v); len(list) != 0 {
				t.Errorf("viewer %+v sees %d petitions, want none", v, len(list))
			}
		}
		of, err := s.ForCampaigns(ctx, access.Viewer{Staff: true}, []int64{shared, staffOnly})
		if err != nil || !slices.Equal(ids(of[shared]), []int64{a.ID}) || of[shared][0].Signatures != 3 || !slices.Equal(ids(of[staffOnly]), []int64{b.ID}) {
			t.Fatalf("ForCampaigns: %v, %+v", err, of)
		}
		// A partner member reaches the petitions of the campaigns its
		// organisation takes part in, and no other.
		if of, err := s.ForCampaigns(ctx, access.Viewer{PartnerID: 41}, []int64{shared, staffOnly}); err != nil || len(of) != 1 || !slices.Equal(ids(of[shared]), []int64{a.ID}) {
			t.Fatalf("ForCampaigns as partner 41: %v, %+v", err, of)
		}
		for _, v := range []access.Viewer{{PartnerID: 42}, {}} {
			if of, err := s.ForCampaigns(ctx, v, []int64{shared, staffOnly}); err != nil || len(of) != 0 {
				t.Errorf("ForCampaigns as %+v: %v, %+v, want none", v, err, of)
			}
		}
		if got, err := s.Get(ctx, access.Viewer{PartnerID: 41}, a.ID); err != nil || got.ID != a.ID {
			t.Fatalf("partner 41 reads the shared campaign's petition: %v", err)
		}
		for _, v := range []access.Viewer{{PartnerID: 41}, {PartnerID: 42}, {}} {
			if _, err := s.Get(ctx, v, b.ID); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("%+v reads the staff-only petition: %v, want not found", v, err)
			}
		}
		counts, err := s.Counts(ctx, []int64{a.ID, b.ID})
		if err != nil || counts[a.ID] != 3 || counts[b.ID] != 0 {
			t.Fatalf("Counts: %v, %v", counts, err)
		}
		camps, err := s.Campaigns(ctx, "fr", "en")
		if err != nil || len(camps) != 2 || camps[0].ID != staffOnly || camps[0].Title != "Staff only" || camps[1].Title != "Shared" {
			t.Fatalf("Campaigns: %v, %+v", err, camps)
		}
	})
}
