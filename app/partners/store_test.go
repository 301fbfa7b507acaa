package partners_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	pagechanges "github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

var ctx = context.Background()

func ptr[T any](v T) *T { return &v }

// today is the store's clock in these tests.
var today = civil.Date{Year: 2026, Month: time.May, Day: 20}

func newStore(db *gorm.DB) *partners.Store {
	return partners.NewStore(db, clock.At(today.Time().Add(15*time.Hour)))
}

// staffViewer is a coordinator, so that history and audit name someone.
func staffViewer(t *testing.T, db *gorm.DB) access.Viewer {
	t.Helper()
	u, err := auth.NewStoreWithParams(db, clock.System, auth.TestParams()).CreateUser(ctx, 0, auth.NewUser{Email: "coord@example.org", DisplayName: "Coord",
		Password: "long-enough-pw", Role: "coordinator"})
	if err != nil {
		t.Fatal(err)
	}
	return access.Viewer{UserID: u.ID, Staff: true}
}

func create(t *testing.T, s *partners.Store, v access.Viewer, name, kind, region string) *partners.Partner {
	t.Helper()
	p, err := s.Create(ctx, v, partners.Input{Name: &name, Kind: &kind, Region: &region})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return p
}

// fieldOf returns the field errors of err, failing unless it is a validation error.
func fieldOf(t *testing.T, err error) map[string]apperr.Msg {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
		t.Fatalf("error %v, want a validation error", err)
	}
	return ae.Fields
}

func isKind(err error, kind apperr.Kind) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) && ae.Kind == kind
}

func count(t *testing.T, db *gorm.DB, model any) int64 {
	t.Helper()
	var n int64
	if err := db.Model(model).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreateAndGet(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStore(db)
		staff := staffViewer(t, db)
		p, err := s.Create(ctx, staff, partners.Input{Name: ptr("  Rainbow Centre  "), Kind: ptr("lgbti"), Region: ptr("MN-1"),
			ContactEmail: ptr(" Hello@Rainbow.Example.org "), Website: ptr("https://rainbow.example.org/about"),
			Description: map[string]string{"en": "A safe place.", "mn": "Аюулгүй орон зай.", "fr": "  "}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, staff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Rainbow Centre" || got.Kind != partners.KindLGBTI || got.ContactEmail != "hello@rainbow.example.org" ||
			got.Region != "MN-1" || got.Website != "https://rainbow.example.org/about" {
			t.Fatalf("stored %+v", got)
		}
		if len(got.Descriptions) != 2 || got.DescriptionIn("en") != "A safe place." || got.DescriptionIn("fr") != "" {
			t.Fatalf("descriptions %+v (an empty one is not written)", got.Descriptions)
		}
		ps := got.Partnership
		if ps.Status != partners.StatusProspective || !ps.StartedOn.IsZero() || ps.PartnerID != p.ID {
			t.Fatalf("partnership %+v", ps)
		}
		if len(got.History) != 1 || got.History[0].Status != partners.StatusProspective || got.History[0].ChangedOn != today ||
			got.History[0].ActorID == nil || *got.History[0].ActorID != staff.UserID {
			t.Fatalf("history %+v, want one prospective entry dated today by the coordinator", got.History)
		}
		if !reflect.DeepEqual(changes(got), changes(p)) || got.Partnership.Status != p.Partnership.Status {
			t.Error("Create returns something else than Get")
		}
		entries, err := audit.List(ctx, db, audit.Filter{Action: "partner.create"})
		if err != nil || len(entries) != 1 || entries[0].ObjectID != itoa(p.ID) {
			t.Fatalf("audit: %+v, %v", entries, err)
		}
	})
}

// changes writes a history as "id status date actor" lines (times are
// read back in the database's location, so structs do not compare).
func changes(p *partners.Partner) []string {
	out := []string{}
	for _, c := range p.History {
		actor := "-"
		if c.ActorID != nil {
			actor = itoa(*c.ActorID)
		}
		out = append(out, strings.Join([]string{itoa(c.ID), c.Status, c.ChangedOn.String(), actor}, " "))
	}
	return out
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// TestCreateRefusals: bad values are all reported and write nothing.
func TestCreateRefusals(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStore(db)
		staff := access.Viewer{Staff: true}
		create(t, s, staff, "Youth Council", partners.KindYouthCouncil, "")
		create(t, s, staff, "Залуучуудын холбоо", partners.KindYouthLed, "")
		long := strings.Repeat("я", partners.MaxName+1)
		for _, tc := range []struct {
			name  string
			in    partners.Input
			field string
		}{
			{"empty name", partners.Input{Name: ptr("  "), Kind: ptr("ngo")}, "name"},
			{"no name", partners.Input{Kind: ptr("ngo")}, "name"},
			{"name too long", partners.Input{Name: ptr(long), Kind: ptr("ngo")}, "name"},
			{"same name in another case", partners.Input{Name: ptr("youth council"), Kind: ptr("ngo")}, "name"},
			{"same Cyrillic name in another case", partners.Input{Name: ptr("ЗАЛУУЧУУДЫН ХОЛБОО"), Kind: ptr("ngo")}, "name"},
			{"no kind", partners.Input{Name: ptr("A")}, "kind"},
			{"unknown kind", partners.Input{Name: ptr("A"), Kind: ptr("club")}, "kind"},
			{"unknown region", partners.Input{Name: ptr("A"), Kind: ptr("ngo"), Region: ptr("MN-999")}, "region"},
			{"bad email", partners.Input{Name: ptr("A"), Kind: ptr("ngo"), ContactEmail: ptr("info@")}, "contact_email"},
			{"website without scheme", partners.Input{Name: ptr("A"), Kind: ptr("ngo"), Website: ptr("example.org")}, "website"},
			{"website of another scheme", partners.Input{Name: ptr("A"), Kind: ptr("ngo"), Website: ptr("javascript:alert(1)")}, "website"},
			{"description in an unknown language", partners.Input{Name: ptr("A"), Kind: ptr("ngo"), Description: map[string]string{"de": "x"}}, "description"},
		} {
			_, err := s.Create(ctx, staff, tc.in)
			if f := fieldOf(t, err); f[tc.field].ID == "" {
				t.Errorf("%s: fields %v, want %s", tc.name, f, tc.field)
			}
		}
		if n := count(t, db, &partners.Partner{}); n != 2 {
			t.Fatalf("%d organisations after refusals, want 2", n)
		}
		if n := count(t, db, &partners.Change{}); n != 2 {
			t.Fatalf("%d history rows after refusals, want 2", n)
		}
		// Nobody but the staff creates organisations.
		for _, v := range []access.Viewer{{PartnerID: 1}, {}} {
			if _, err := s.Create(ctx, v, partners.Input{Name: ptr("B"), Kind: ptr("ngo")}); !isKind(err, apperr.Forbidden) {
				t.Errorf("create as %+v: %v, want forbidden", v, err)
			}
		}
	})
}

// TestScoping: a partner member reaches only its own organisation; for any
// other the store answers not found, on reads and on writes.
func TestScoping(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStore(db)
		staff := access.Viewer{Staff: true}
		own := create(t, s, staff, "Own council", partners.KindYouthCouncil, "MN-1")
		other := create(t, s, staff, "Other school", partners.KindSchool, "ID-BA")
		member := access.Viewer{PartnerID: own.ID}
		nobody := access.Viewer{}

		if _, err := s.Get(ctx, member, own.ID); err != nil {
			t.Fatalf("own organisation: %v", err)
		}
		for _, v := range []access.Viewer{member, nobody} {
			if _, err := s.Get(ctx, v, other.ID); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("get another as %+v: %v, want not found", v, err)
			}
			if _, err := s.Update(ctx, v, other.ID, partners.Input{Name: ptr("Taken over")}); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("update another as %+v: %v, want not found", v, err)
			}
			if _, err := s.SetPartnership(ctx, v, other.ID, partners.PartnershipInput{Status: "active"}); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("partnership of another as %+v: %v, want not found", v, err)
			}
			if _, err := s.CoHosted(ctx, v, other.ID); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("co-hosted of another as %+v: %v, want not found", v, err)
			}
		}
		list, err := s.List(ctx, member, partners.Filter{})
		if err != nil || len(list) != 1 || list[0].ID != own.ID {
			t.Fatalf("member's list: %v, %v", list, err)
		}
		if list, _ := s.List(ctx, member, partners.Filter{Kind: partners.KindSchool}); len(list) != 0 {
			t.Fatalf("member's list of schools: %v", list)
		}
		if list, _ := s.List(ctx, nobody, partners.Filter{}); len(list) != 0 {
			t.Fatalf("a viewer without an organisation lists %v", list)
		}
		if list, _ := s.List(ctx, staff, partners.Filter{}); len(list) != 2 {
			t.Fatalf("staff list: %v", list)
		}
		fig, err := s.KeyFigures(ctx, member)
		if err != nil || len(fig.ByKind) != 1 || fig.ByKind[0].Value != partners.KindYouthCouncil {
			t.Fatalf("member's figures: %+v, %v", fig, err)
		}
		// Nothing of the other organisation changed.
		got, _ := s.Get(ctx, staff, other.ID)
		if got.Name != "Other school" || got.Partnership.Status != partners.StatusProspective || len(got.History) != 1 {
			t.Fatalf("the other organisation changed: %+v", got)
		}

		// A member edits its own profile, but not its kind nor its partnership.
		p, err := s.Update(ctx, member, own.ID, partners.Input{Name: ptr("Own youth council"), Kind: ptr(partners.KindYouthCouncil),
			Website: ptr("http://own.example.org"), Description: map[string]string{"mn": "Манай зөвлөл"}})
		if err != nil || p.Name != "Own youth council" || p.Website != "http://own.example.org" || p.DescriptionIn("mn") != "Манай зөвлөл" {
			t.Fatalf("member's own edit: %+v, %v", p, err)
		}
		_, err = s.Update(ctx, member, own.ID, partners.Input{Name: ptr("Renamed again"), Kind: ptr(partners.KindNGO)})
		if !isKind(err, apperr.Forbidden) {
			t.Fatalf("member changes its kind: %v, want forbidden", err)
		}
		got, _ = s.Get(ctx, staff, own.ID)
		if got.Kind != partners.KindYouthCouncil || got.Name != "Own youth council" {
			t.Fatalf("a refused kind change wrote %+v", got)
		}
		if _, err := s.SetPartnership(ctx, member, own.ID, partners.PartnershipInput{Status: "active"}); !isKind(err, apperr.Forbidden) {
			t.Fatalf("member changes its partnership: %v, want forbidden", err)
		}
		// The staff may change the kind.
		if p, err := s.Update(ctx, staff, own.ID, partners.Input{Kind: ptr(partners.KindNGO)}); err != nil || p.Kind != partners.KindNGO || p.Name != "Own youth council" {
			t.Fatalf("staff changes the kind: %+v, %v", p, err)
		}
	})
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStore(db)
		staff := access.Viewer{Staff: true}
		a := create(t, s, staff, "Alpha", partners.KindNGO, "")
		create(t, s, staff, "Beta", partners.KindNGO, "")
		if _, err := s.Update(ctx, staff, a.ID, partners.Input{Description: map[string]string{"en": "First", "fr": "Premier"}}); err != nil {
			t.Fatal(err)
		}
		// A PATCH changes only what it names; an emptied description goes.
		p, err := s.Update(ctx, staff, a.ID, partners.Input{Name: ptr("ALPHA"), Description: map[string]string{"fr": ""}})
		if err != nil || p.Name != "ALPHA" || p.Kind != partners.KindNGO || p.DescriptionIn("en") != "First" || len(p.Descriptions) != 1 {
			t.Fatalf("patch: %+v, %v", p, err)
		}
		got, _ := s.Get(ctx, staff, a.ID)
		if !reflect.DeepEqual(got.Descriptions, p.Descriptions) || got.Name != "ALPHA" {
			t.Fatalf("stored %+v", got)
		}
		// Another's name, in any case, is refused and nothing changes.
		_, err = s.Update(ctx, staff, a.ID, partners.Input{Name: ptr("beta"), Region: ptr("MN-1")})
		if fieldOf(t, err)["name"].ID != "error_partner_name_taken" {
			t.Fatalf("taken name: %v", err)
		}
		if got, _ := s.Get(ctx, staff, a.ID); got.Name != "ALPHA" || got.Region != "" {
			t.Fatalf("a refused update wrote %+v", got)
		}
		if _, err := s.Update(ctx, staff, 999, partners.Input{Name: ptr("X")}); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
	})
}

func TestSetPartnership(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStore(db)
		staff := staffViewer(t, db)
		p := create(t, s, staff, "Student union", partners.KindUniversity, "FR-IDF")
		history := func() int64 { return count(t, db, &partners.Change{}) }
		before := today.Time().AddDate(0, 0, -10)

		refusals := []struct {
			name  string
			in    partners.PartnershipInput
			field string
			msg   string
		}{
			{"unknown status", partners.PartnershipInput{Status: "paused"}, "status", "error_partnership_status_unknown"},
			{"prospective again", partners.PartnershipInput{Status: "prospective"}, "status", "error_partnership_prospective_again"},
			{"nothing to change", partners.PartnershipInput{}, "status", "error_required"},
			{"a date without a status", partners.PartnershipInput{ChangedOn: today, Notes: ptr("x")}, "status", "error_required"},
			{"future date", partners.PartnershipInput{Status: "active", ChangedOn: civil.Of(today.Time().AddDate(0, 0, 1))}, "changed_on", "error_partnership_date_future"},
			{"before the last change", partners.PartnershipInput{Status: "active", ChangedOn: civil.Of(today.Time().AddDate(0, 0, -1))}, "changed_on", "error_partnership_date_before_last"},
		}
		// The first entry is dated today: move it back so that dates before today are possible.
		if err := db.Model(&partners.Change{}).Where("partner_id = ?", p.ID).Update("changed_on", civil.Of(before)).Error; err != nil {
			t.Fatal(err)
		}
		refusals[len(refusals)-1].in.ChangedOn = civil.Of(before.AddDate(0, 0, -1))
		for _, tc := range refusals {
			_, err := s.SetPartnership(ctx, staff, p.ID, tc.in)
			if f := fieldOf(t, err); f[tc.field].ID != tc.msg {
				t.Errorf("%s: fields %v, want %s on %s", tc.name, f, tc.msg, tc.field)
			}
		}
		if n := history(); n != 1 {
			t.Fatalf("%d history rows after refusals", n)
		}

		// Active, dated in the past: the start date is that day.
		started := civil.Of(before.AddDate(0, 0, 3))
		got, err := s.SetPartnership(ctx, staff, p.ID, partners.PartnershipInput{Status: "active", ChangedOn: started,
			SharedGoals: ptr("  Campaign on digital rights  "), Notes: ptr("Met at the camp")})
		if err != nil {
			t.Fatal(err)
		}
		ps := got.Partnership
		if ps.Status != "active" || ps.StartedOn != started || ps.SharedGoals != "Campaign on digital rights" || ps.Notes != "Met at the camp" {
			t.Fatalf("after activation: %+v", ps)
		}
		if _, err := s.SetPartnership(ctx, staff, p.ID, partners.PartnershipInput{Status: "active"}); fieldOf(t, err)["status"].ID != "error_partnership_status_same" {
			t.Fatalf("active again: %v", err)
		}
		// Goals and notes alone change without a history entry.
		if got, err = s.SetPartnership(ctx, staff, p.ID, partners.PartnershipInput{Notes: ptr("")}); err != nil ||
			got.Partnership.Notes != "" || got.Partnership.SharedGoals != "Campaign on digital rights" || len(got.History) != 2 {
			t.Fatalf("notes only: %+v, %v", got, err)
		}
		// Strengthened and ended today (the default), then active again:
		// the start date stays the first one.
		for _, st := range []string{"strengthened", "ended", "active"} {
			if got, err = s.SetPartnership(ctx, staff, p.ID, partners.PartnershipInput{Status: st}); err != nil {
				t.Fatalf("%s: %v", st, err)
			}
		}
		stored, _ := s.Get(ctx, staff, p.ID)
		if stored.Partnership.Status != "active" || stored.Partnership.StartedOn != started {
			t.Fatalf("stored partnership %+v", stored.Partnership)
		}
		var statuses []string
		for _, h := range stored.History {
			statuses = append(statuses, h.Status)
			if h.ActorID == nil || *h.ActorID != staff.UserID {
				t.Errorf("change %+v does not name the coordinator", h)
			}
		}
		if want := []string{"prospective", "active", "strengthened", "ended", "active"}; !reflect.DeepEqual(statuses, want) {
			t.Fatalf("history %v, want %v", statuses, want)
		}
		if last := stored.History[len(stored.History)-1]; last.ChangedOn != today {
			t.Fatalf("undated change on %v, want today %v", last.ChangedOn, today)
		}
		if !reflect.DeepEqual(changes(got), changes(stored)) {
			t.Errorf("SetPartnership returns another history than Get:\n%v\n%v", changes(got), changes(stored))
		}
		if entries, _ := audit.List(ctx, db, audit.Filter{Action: "partnership.change"}); len(entries) != 5 {
			t.Fatalf("%d audit entries of partnership changes, want 5", len(entries))
		}
		// Long texts are refused.
		long := strings.Repeat("x", partners.MaxSharedGoals+1)
		if _, err := s.SetPartnership(ctx, staff, p.ID, partners.PartnershipInput{SharedGoals: &long}); fieldOf(t, err)["shared_goals"].ID != "error_too_long" {
			t.Fatalf("long goals: %v", err)
		}
	})
}

// TestKeyFigures counts through the store what PerYear counts, with the
// organisations by kind, region and status.
func TestKeyFigures(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStore(db)
		staff := access.Viewer{Staff: true}
		fig, err := s.KeyFigures(ctx, staff)
		if err != nil || len(fig.EstablishedPerYear)+len(fig.ByKind)+len(fig.ByRegion)+len(fig.ByStatus) != 0 {
			t.Fatalf("empty figures: %+v, %v", fig, err)
		}
		a := create(t, s, staff, "A", partners.KindSchool, "MN-1")
		b := create(t, s, staff, "B", partners.KindSchool, "")
		c := create(t, s, staff, "C", partners.KindLGBTI, "ID-BA")
		create(t, s, staff, "D", partners.KindYouthLed, "MN-1")
		// Move the first entries back, so that changes can be dated in past years.
		if err := db.Model(&partners.Change{}).Where("1 = 1").Update("changed_on", civil.Date{Year: 2023, Month: 1, Day: 1}).Error; err != nil {
			t.Fatal(err)
		}
		set := func(id int64, status string, y int, m time.Month, d int) {
			t.Helper()
			if _, err := s.SetPartnership(ctx, staff, id, partners.PartnershipInput{Status: status, ChangedOn: civil.Date{Year: y, Month: m, Day: d}}); err != nil {
				t.Fatalf("%d %s: %v", id, status, err)
			}
		}
		set(a.ID, "active", 2024, 3, 1)
		set(a.ID, "strengthened", 2025, 6, 1)
		set(b.ID, "active", 2025, 12, 31)
		set(b.ID, "ended", 2026, 1, 5)
		set(c.ID, "active", 2026, 2, 1)
		set(c.ID, "strengthened", 2026, 4, 1)
		fig, err = s.KeyFigures(ctx, staff)
		if err != nil {
			t.Fatal(err)
		}
		want := &partners.Figures{
			EstablishedPerYear:  []partners.YearCount{{2024, 1}, {2025, 1}, {2026, 1}},
			StrengthenedPerYear: []partners.YearCount{{2025, 1}, {2026, 1}},
			ByKind:              []partners.Count{{"youth_led", 1}, {"lgbti", 1}, {"school", 2}},
			ByRegion:            []partners.Count{{"ID-BA", 1}, {"MN-1", 2}, {"", 1}},
			ByStatus:            []partners.Count{{"prospective", 1}, {"strengthened", 2}, {"ended", 1}},
		}
		if !reflect.DeepEqual(fig, want) {
			t.Fatalf("figures\n%+v\nwant\n%+v", fig, want)
		}
		// The store counts as the pure function does over the whole history.
		var all []partners.Change
		db.Find(&all)
		if got := partners.PerYear(all, partners.StatusActive); !reflect.DeepEqual(got, fig.EstablishedPerYear) {
			t.Fatalf("PerYear %v, store %v", got, fig.EstablishedPerYear)
		}
	})
}

// TestCoHosted lists the activities an organisation co-hosts.
func TestCoHosted(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStore(db)
		staff := access.Viewer{Staff: true}
		p := create(t, s, staff, "Host", partners.KindNGO, "")
		q := create(t, s, staff, "Other host", partners.KindNGO, "")
		gens := new(pagechanges.Generations)
		acts := activities.NewStore(db, registration.NewService(db, people.NewStore(db, nil, clock.System), nil, activities.NewCache(db, &gens.Activities), nil, "", gens, clock.System, registration.Rules{}), gens, clock.System, "UTC")
		start := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Hour)
		var ids []int64
		for i, hosts := range [][]int64{{p.ID}, {q.ID}, {p.ID, q.ID}} {
			a, err := acts.Create(ctx, 0, activities.Input{Kind: ptr("camp"), Title: map[string]string{"en": "Camp " + itoa(int64(i+1))},
				StartsAt: &start, EndsAt: ptr(start.Add(time.Hour)), Capacity: ptr(10), Partners: &hosts})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		got, err := s.CoHosted(ctx, staff, p.ID)
		if err != nil || !reflect.DeepEqual(got, []int64{ids[0], ids[2]}) {
			t.Fatalf("co-hosted by %d: %v, %v", p.ID, got, err)
		}
		if got, err := s.CoHosted(ctx, access.Viewer{PartnerID: q.ID}, q.ID); err != nil || !reflect.DeepEqual(got, []int64{ids[1], ids[2]}) {
			t.Fatalf("a member's own co-hosted: %v, %v", got, err)
		}
		if _, err := s.CoHosted(ctx, staff, 999); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("unknown organisation: %v", err)
		}
	})
}
