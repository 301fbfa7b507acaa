package reports

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func ptr[T any](v T) *T { return &v }

// figuresNow is the fixed "now" of the figure tests: November 2026, so the
// months run from December 2024.
var figuresNow = time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)

// TestPeopleFigures counts a hand-made people table: the months' new
// people at their edges, the running total from before the window, and the
// youth (born in 1996 or later for 2026), rural and volunteer shares.
func TestPeopleFigures(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		at := func(s string) time.Time {
			v, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		for i, p := range []people.Person{
			{CreatedAt: at("2024-06-10T08:00:00Z"), BirthYear: ptr(1990), Locality: people.Urban, Volunteer: true},
			{CreatedAt: at("2024-11-30T23:59:59Z"), BirthYear: ptr(1995)},                         // just before the window; 31
			{CreatedAt: at("2024-12-01T00:00:00Z"), BirthYear: ptr(1996), Locality: people.Rural}, // 30 this year
			{CreatedAt: at("2025-03-31T23:59:59Z"), BirthYear: ptr(1997), Volunteer: true},
			{CreatedAt: at("2026-11-01T00:00:00Z"), Locality: people.Rural}, // no birth year
			{CreatedAt: at("2026-11-14T10:00:00Z"), BirthYear: ptr(2010), Locality: people.Urban},
		} {
			p.GivenName = "P" + string(rune('a'+i))
			p.UpdatedAt = p.CreatedAt
			if err := db.Create(&p).Error; err != nil {
				t.Fatal(err)
			}
		}
		s := NewService(db, nil, nil, nil, 0)
		got, err := s.People(context.Background(), figuresNow)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != 6 || got.Youth != (Share{3, 5}) || got.Rural != (Share{2, 4}) || got.Volunteers != (Share{2, 6}) {
			t.Fatalf("figures: total %d, youth %+v, rural %+v, volunteers %+v", got.Total, got.Youth, got.Rural, got.Volunteers)
		}
		if len(got.Months) != PeopleMonths || !got.Months[0].Start.Equal(at("2024-12-01T00:00:00Z")) ||
			!got.Months[PeopleMonths-1].Start.Equal(at("2026-11-01T00:00:00Z")) {
			t.Fatalf("months from %v to %v", got.Months[0].Start, got.Months[len(got.Months)-1].Start)
		}
		want := map[string][2]int{"2024-12": {1, 3}, "2025-01": {0, 3}, "2025-03": {1, 4}, "2025-04": {0, 4}, "2026-10": {0, 4}, "2026-11": {2, 6}}
		for _, m := range got.Months {
			if w, ok := want[m.Start.Format("2006-01")]; ok && (m.New != w[0] || m.Total != w[1]) {
				t.Errorf("%s: %d new, %d in all; want %v", m.Start.Format("2006-01"), m.New, m.Total, w)
			}
		}

		empty := NewService(testdb.New(t, database.SQLite), nil, nil, nil, 0)
		if e, err := empty.People(context.Background(), figuresNow); err != nil || e.Total != 0 || e.Months[23].Total != 0 {
			t.Fatalf("no people: %+v %v", e, err)
		}
	})
}

// figuresFixture is the stores a test registers people with.
type figuresFixture struct {
	t   *testing.T
	db  *gorm.DB
	reg *registration.Service
	act *activities.Store
}

func newFiguresFixture(t *testing.T, db *gorm.DB) *figuresFixture {
	sealer, err := people.NewSealer(keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Seal)
	if err != nil {
		t.Fatal(err)
	}
	gens := new(changes.Generations)
	reg := registration.NewService(db, people.NewStore(db, sealer, clock.System), nil, activities.NewCache(db, &gens.Activities), nil, "http://gotong.test", gens, clock.System, registration.Rules{})
	return &figuresFixture{t: t, db: db, reg: reg, act: activities.NewStore(db, reg, gens, clock.System, "UTC")}
}

// activity creates an activity open for registration in region, published
// unless status says otherwise.
func (f *figuresFixture) activity(region string, capacity int, status string, quotas ...activities.QuotaInput) *activities.Activity {
	f.t.Helper()
	now := time.Now().UTC()
	in := activities.Input{Kind: ptr(activities.KindTraining), Capacity: ptr(capacity), Region: ptr(region),
		StartsAt: ptr(now.Add(30 * 24 * time.Hour)), EndsAt: ptr(now.Add(31 * 24 * time.Hour)),
		RegistrationClosesAt: ptr(now.Add(20 * 24 * time.Hour)), Title: map[string]string{"en": "Training " + region}}
	if len(quotas) > 0 {
		in.Quotas = &quotas
	}
	ctx := context.Background()
	a, err := f.act.Create(ctx, 0, in)
	if err != nil {
		f.t.Fatal(err)
	}
	if status != activities.StatusDraft {
		if a, err = f.act.SetStatus(ctx, 0, a.ID, activities.StatusPublished); err != nil {
			f.t.Fatal(err)
		}
	}
	return a
}

// register registers n people (emails prefix1@…) at a with the locality
// and attribute (disability, minority or none) and returns their
// registration ids.
func (f *figuresFixture) register(a *activities.Activity, prefix string, n int, locality, attribute string) []int64 {
	f.t.Helper()
	var ids []int64
	for i := range n {
		var s people.Sensitive
		switch attribute {
		case "disability":
			s.Disability = ptr(true)
		case "minority":
			s.Minority = ptr(true)
		}
		r, err := f.reg.Register(context.Background(), a, registration.Request{Consent: true, Person: people.Declared{
			GivenName: "Test", Email: prefix + string(rune('a'+i)) + "@example.org", BirthYear: time.Now().Year() - 20,
			Region: "MN-057", Locality: locality, Locale: "en", Sensitive: s}})
		if err != nil {
			f.t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

// attend records the registrations' attendance as if their activities had
// taken place (they start in the future: the service would refuse it).
func (f *figuresFixture) attend(attended bool, ids ...int64) {
	f.t.Helper()
	if err := f.db.Model(&registration.Registration{}).Where("id IN ?", ids).Update("attended", attended).Error; err != nil {
		f.t.Fatal(err)
	}
}

// eraseRegistrationPerson leaves a registration without its person, as
// erasing a person does (app/rights).
func eraseRegistrationPerson(t *testing.T, db *gorm.DB, id int64) {
	t.Helper()
	if err := db.Exec("UPDATE registrations SET person_id = NULL WHERE id = ?", id).Error; err != nil {
		t.Fatal(err)
	}
}

// TestTrainedByRegion counts attended registrations by their activity's
// region, not the absent or unmarked ones, and still counts one whose
// person was erased.
func TestTrainedByRegion(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFiguresFixture(t, db)
		a := f.activity("MN-057", 10, activities.StatusPublished)
		b := f.activity("ID-JK", 10, activities.StatusPublished)
		c := f.activity("", 10, activities.StatusPublished)
		ra := f.register(a, "a", 5, people.Urban, "")
		rb := f.register(b, "b", 2, people.Rural, "")
		rc := f.register(c, "c", 1, people.Urban, "")
		f.attend(true, ra[0], ra[1], ra[2], rb[0], rc[0])
		f.attend(false, ra[3], rb[1])
		eraseRegistrationPerson(t, db, ra[0])
		got, err := NewService(db, nil, nil, nil, 0).TrainedByRegion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := []RegionCount{{"MN-057", 3}, {"", 1}, {"ID-JK", 1}}
		if !slices.Equal(got, want) {
			t.Fatalf("trained by region %+v, want %+v", got, want)
		}
	})
}

// TestQuotasFromTheDatabase reads the seats of the published activities
// with quota rules, not drafts nor activities without rules, and
// suppresses the small sensitive pools.
func TestQuotasFromTheDatabase(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFiguresFixture(t, db)
		a := f.activity("MN-057", 20, activities.StatusPublished,
			activities.QuotaInput{Attribute: "rural", Share: 0.25}, activities.QuotaInput{Attribute: "disability", Share: 0.25})
		// Discreet keeps an activity off the public lists, not out of the
		// reports, which suppress small counts whatever the activity.
		if _, err := f.act.Update(context.Background(), 0, a.ID, activities.Input{Discreet: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		f.register(a, "g", 7, people.Urban, "")
		f.register(a, "r", 6, people.Rural, "")
		f.register(a, "d", 2, people.Urban, "disability")
		f.activity("MN-057", 20, activities.StatusDraft, activities.QuotaInput{Attribute: "minority", Share: 0.5})
		plain := f.activity("MN-057", 20, activities.StatusPublished)
		f.register(plain, "p", 1, people.Urban, "")

		got, err := NewService(db, nil, nil, nil, 5).Quotas(context.Background(), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Rows) != 1 || got.Rows[0].Activity.ID != a.ID || !slices.Equal(got.Attributes, []quota.Attribute{quota.Rural, quota.Disability}) {
			t.Fatalf("rows %+v, attributes %v", got.Rows, got.Attributes)
		}
		// 7 urban in general seats; 5 rural in the rural pool and one more
		// in a general seat; 2 in the disability pool. The 2 would follow
		// from confirmed − general − rural, so the smaller of those (the
		// rural 5) is withheld.
		r := got.Rows[0]
		shown := func(n int) Count { return Count{Value: n} }
		rural, _ := r.Pool("rural")
		dis, _ := r.Pool("disability")
		if r.Capacity != shown(20) || r.Confirmed != shown(15) || r.GeneralSeats != shown(10) || r.GeneralFilled != shown(8) ||
			rural.Seats != shown(5) || rural.Filled.Mark != Withheld || dis.Seats != shown(5) || dis.Filled.Mark != Small {
			t.Fatalf("row %+v, rural %+v, disability %+v", r, rural, dis)
		}
		if got.Total.Confirmed != shown(15) || got.Total.GeneralFilled != shown(8) {
			t.Fatalf("total %+v", got.Total)
		}
	})
}

// twoActivities is the quota fixture of the subtraction tests: activity A
// has 2 people in its disability pool and 3 in its minority pool, B has 8
// and 8. Every other figure, totals included, is 0 or 1 more than a
// multiple of 5, so that no two of them differ by 2 or 3.
func twoActivities() ([]activities.Activity, []registration.Summary) {
	pool := func(a quota.Attribute, seats, filled int) registration.PoolSummary {
		return registration.PoolSummary{Attribute: a, Share: 0.25, Seats: seats, Filled: filled}
	}
	return []activities.Activity{{ID: 1}, {ID: 2}}, []registration.Summary{
		{Capacity: 20, Confirmed: 15, GeneralSeats: 5, GeneralFilled: 5,
			Pools: []registration.PoolSummary{pool("rural", 5, 5), pool("disability", 5, 2), pool("minority", 5, 3)}},
		{Capacity: 40, Confirmed: 16, GeneralSeats: 15, GeneralFilled: 0,
			Pools: []registration.PoolSummary{pool("rural", 5, 0), pool("disability", 10, 8), pool("minority", 10, 8)}},
	}
}

// published lists the counts a quota report shows.
func published(q *Quotas) []int {
	var out []int
	for _, r := range append(slices.Clone(q.Rows), q.Total) {
		for _, c := range []Count{r.Capacity, r.Confirmed, r.GeneralSeats, r.GeneralFilled} {
			if c.Mark == Shown {
				out = append(out, c.Value)
			}
		}
		for _, p := range r.Pools {
			for _, c := range []Count{p.Seats, p.Filled} {
				if c.Mark == Shown {
					out = append(out, c.Value)
				}
			}
		}
	}
	return out
}

// recovers reports whether a shown count, or the difference of two, is 2
// or 3: A's hidden pools.
func recovers(figures []int) bool {
	for _, a := range figures {
		for _, b := range append([]int{0}, figures...) {
			if d := a - b; d == 2 || d == 3 {
				return true
			}
		}
	}
	return false
}

// TestComplementaryCellsStopSubtraction: with small counts hidden alone,
// A's 2 and 3 follow from the totals less B's pools; with the complementary
// rule B's pools are withheld too and no subtraction finds them.
func TestComplementaryCellsStopSubtraction(t *testing.T) {
	t.Parallel()
	list, sums := twoActivities()
	g := newQuotaGrid(sums)
	primary := make([]Mark, len(g.cells))
	for i, c := range g.cells {
		if c.Sensitive && c.Value < 5 {
			primary[i] = Small
		}
	}
	if !recovers(published(g.report(list, primary, 5))) {
		t.Fatal("the small counts alone should be found by subtraction; the fixture no longer tests the rule")
	}
	q := quotaReport(list, sums, 5)
	if figures := published(q); recovers(figures) {
		t.Fatalf("a subtraction of %v finds 2 or 3", figures)
	}
	marks := func(r QuotaRow) string {
		var b []byte
		for _, p := range r.Pools {
			b = append(b, ".sx"[p.Filled.Mark])
		}
		return string(b)
	}
	if marks(q.Rows[0]) != ".ss" || marks(q.Rows[1]) != ".xx" || marks(q.Total) != "..." {
		t.Fatalf("pools marked A %s, B %s, total %s", marks(q.Rows[0]), marks(q.Rows[1]), marks(q.Total))
	}
}

// TestQuotaGridReleasedPool: a released sensitive pool's seats are its
// people, so they are hidden with them, and the general seats that would
// give them away are withheld.
func TestQuotaGridReleasedPool(t *testing.T) {
	t.Parallel()
	sums := []registration.Summary{{Capacity: 20, Confirmed: 12, GeneralSeats: 13, GeneralFilled: 10,
		Pools: []registration.PoolSummary{
			{Attribute: "rural", Share: 0.25, Seats: 5, Filled: 0},
			{Attribute: "disability", Share: 0.25, Seats: 2, Filled: 2, Released: true},
		}}}
	q := quotaReport([]activities.Activity{{ID: 1}}, sums, 5)
	r := q.Rows[0]
	dis, _ := r.Pool("disability")
	if dis.Seats.Mark != Small || dis.Filled.Mark != Small || !dis.Released {
		t.Fatalf("released pool %+v", dis)
	}
	if r.GeneralSeats.Mark == Shown {
		t.Fatalf("general seats %+v give the released pool away: 20 − 13 − 5 = 2", r.GeneralSeats)
	}
	if r.Capacity != (Count{Value: 20}) || r.Confirmed != (Count{Value: 12}) {
		t.Fatalf("public figures hidden: %+v", r)
	}
}
