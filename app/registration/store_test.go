package registration_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/registration/regtest"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/locales"
	"gorm.io/gorm"
)

type fixture struct {
	t      *testing.T
	db     *gorm.DB
	svc    *registration.Service
	act    *activities.Store
	sealer *people.Sealer
	cat    *i18n.Catalog
	gens   *changes.Generations
	at     time.Time // the service's clock when set, the machine's otherwise
}

func (f *fixture) now() time.Time {
	if !f.at.IsZero() {
		return f.at
	}
	return time.Now().UTC()
}

func newFixture(t *testing.T, db *gorm.DB) *fixture {
	sealer, err := people.NewSealer(keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Seal)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load(locales.FS, "en", nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, sealer: sealer, cat: cat, gens: new(changes.Generations)}
	f.svc = f.service(db)
	f.act = activities.NewStore(db, f.svc, f.gens, f.now, "UTC")
	t.Cleanup(func() { regtest.CheckSeatRows(t, db, sealer) })
	return f
}

// service is a registration service over db, on the fixture's clock:
// guardians under 18, seven days to answer.
func (f *fixture) service(db *gorm.DB) *registration.Service {
	return registration.NewService(db, people.NewStore(db, f.sealer, f.now), submissions.NewStore(db, f.sealer, f.now),
		activities.NewCache(db, &f.gens.Activities), f.cat,
		"http://gotong.test", f.gens, f.now, registration.Rules{GuardianAge: 18, GuardianDays: 7})
}

func ptr[T any](v T) *T { return &v }

// camp creates and publishes a camp open for registration now, starting in
// 30 days.
func (f *fixture) camp(capacity int, quotas ...activities.QuotaInput) *activities.Activity {
	f.t.Helper()
	return f.campIn(30*24*time.Hour, capacity, quotas...)
}

// campIn is camp starting after d, for three days; registration closes
// after two thirds of d.
func (f *fixture) campIn(d time.Duration, capacity int, quotas ...activities.QuotaInput) *activities.Activity {
	f.t.Helper()
	now := time.Now().UTC()
	in := activities.Input{
		Kind: ptr(activities.KindCamp), Capacity: ptr(capacity),
		StartsAt: ptr(now.Add(d)), EndsAt: ptr(now.Add(d + 3*24*time.Hour)),
		RegistrationOpensAt: ptr(now.Add(-time.Hour)), RegistrationClosesAt: ptr(now.Add(d * 2 / 3)),
		AgeMin: ptr(14), AgeMax: ptr(30),
		Title: map[string]string{"en": "Summer camp", "mn": "Зуны зуслан"},
	}
	if len(quotas) > 0 {
		in.Quotas = &quotas
	}
	a, err := f.act.Create(context.Background(), 0, in)
	if err != nil {
		f.t.Fatal(err)
	}
	if a, err = f.act.SetStatus(context.Background(), 0, a.ID, activities.StatusPublished); err != nil {
		f.t.Fatal(err)
	}
	return a
}

func person(email, locality string) registration.Request {
	return registration.Request{Consent: true, Person: people.Declared{
		GivenName: "Test", FamilyName: "Person", Email: email, BirthYear: time.Now().Year() - 20,
		Region: "MN-057", Locality: locality, Locale: "mn"}}
}

func kindOf(err error) apperr.Kind {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Kind
	}
	return 0
}

func TestRegisterPlacesAndPromotes(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(2, activities.QuotaInput{Attribute: "rural", Share: 0.5})
		r1, err := f.svc.Register(ctx, a, person("u1@example.org", people.Urban))
		if err != nil || r1.Status != "confirmed" || *r1.Pool != "general" {
			t.Fatalf("first urban: %+v %v", r1, err)
		}
		r2, _ := f.svc.Register(ctx, a, person("u2@example.org", people.Urban))
		if r2.Status != "waitlisted" || r2.Position != 1 {
			t.Fatalf("second urban should wait behind the rural seat: %+v", r2)
		}
		r3, _ := f.svc.Register(ctx, a, person("r1@example.org", people.Rural))
		if r3.Status != "confirmed" || *r3.Pool != "rural" {
			t.Fatalf("rural takes the reserved seat past the waitlist: %+v", r3)
		}
		if _, err := f.svc.Register(ctx, a, person("U1@Example.org", people.Urban)); kindOf(err) != apperr.Conflict {
			t.Fatalf("same email twice: %v", err)
		}
		if _, err := f.svc.Cancel(ctx, r1.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := f.svc.Get(ctx, r2.ID)
		if got.Status != "confirmed" || got.Position != 0 {
			t.Fatalf("waitlisted not promoted on cancellation: %+v", got)
		}
		if _, err := f.svc.Cancel(ctx, r1.ID); kindOf(err) != apperr.Conflict {
			t.Fatalf("second cancel: %v", err)
		}
		// Notices: confirmed, waitlisted, confirmed, then the cancellation
		// and the promotion it caused.
		var kinds []string
		db.Model(&outbox.Message{}).Order("id").Pluck("kind", &kinds)
		want := "registration.confirmed registration.waitlisted registration.confirmed registration.cancelled registration.promoted"
		if strings.Join(kinds, " ") != want {
			t.Fatalf("notices %v, want %s", kinds, want)
		}
		var subject string
		db.Model(&outbox.Message{}).Where("kind = ?", "registration.promoted").Pluck("subject", &subject)
		if !strings.Contains(subject, "Зуны зуслан") {
			t.Fatalf("promotion notice not in the participant's language: %q", subject)
		}
		// A cancelled person may register again.
		if r, err := f.svc.Register(ctx, a, person("u1@example.org", people.Urban)); err != nil || r.Status != "waitlisted" {
			t.Fatalf("re-registration: %+v %v", r, err)
		}
	})
}

func TestCapacityChanges(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(2)
		var ids []int64
		for i := 0; i < 4; i++ {
			r, err := f.svc.Register(ctx, a, person(fmt.Sprintf("p%d@example.org", i), people.Urban))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		if _, err := f.act.Update(ctx, 0, a.ID, activities.Input{Capacity: ptr(1)}); kindOf(err) != apperr.Conflict {
			t.Fatalf("capacity below confirmed: %v", err)
		}
		if got, _ := f.act.Get(ctx, a.ID); got.Capacity != 2 {
			t.Fatalf("a refused change wrote capacity %d", got.Capacity)
		}
		if _, err := f.act.Update(ctx, 0, a.ID, activities.Input{Capacity: ptr(3)}); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.svc.Get(ctx, ids[2]); r.Status != "confirmed" {
			t.Fatalf("capacity increase did not promote: %+v", r)
		}
		if r, _ := f.svc.Get(ctx, ids[3]); r.Status != "waitlisted" || r.Position != 1 {
			t.Fatalf("the rest keeps waiting at 1: %+v", r)
		}
	})
}

func TestRegisterRefusals(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		open := f.camp(5)
		draft, err := f.act.Create(ctx, 0, activities.Input{Kind: ptr(activities.KindTraining), Capacity: ptr(5),
			StartsAt: ptr(time.Now().Add(48 * time.Hour)), EndsAt: ptr(time.Now().Add(50 * time.Hour)),
			Title: map[string]string{"fr": "Formation"}})
		if err != nil {
			t.Fatal(err)
		}
		tooYoung := person("young@example.org", people.Urban)
		tooYoung.Person.BirthYear = time.Now().Year() - 10
		noConsent := person("nc@example.org", people.Urban)
		noConsent.Consent = false
		badEmail := person("not-an-email", people.Urban)
		badRegion := person("br@example.org", people.Urban)
		badRegion.Person.Region = "XX-1"
		badLocality := person("bl@example.org", "suburban")
		for _, tc := range []struct {
			name     string
			activity *activities.Activity
			req      registration.Request
			kind     apperr.Kind
			field    string
		}{
			{"draft", draft, person("d@example.org", people.Urban), apperr.Conflict, ""},
			{"missing activity", &activities.Activity{ID: 99999}, person("m@example.org", people.Urban), apperr.NotFound, ""},
			{"too young", open, tooYoung, apperr.Invalid, "birth_year"},
			{"no consent", open, noConsent, apperr.Invalid, "consent"},
			{"bad email", open, badEmail, apperr.Invalid, "email"},
			{"bad region", open, badRegion, apperr.Invalid, "region"},
			{"bad locality", open, badLocality, apperr.Invalid, "locality"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.Register(ctx, tc.activity, tc.req)
				if kindOf(err) != tc.kind {
					t.Fatalf("got %v, want kind %d", err, tc.kind)
				}
				if tc.field != "" {
					var ae *apperr.Error
					errors.As(err, &ae)
					if _, ok := ae.Fields[tc.field]; !ok {
						t.Fatalf("no error on %s: %v", tc.field, err)
					}
				}
			})
		}
		var n int64
		db.Model(&registration.Registration{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d registrations written by refused requests", n)
		}
		db.Model(&people.Person{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d people written by refused requests", n)
		}
	})
}

// TestSensitiveSealed reads the raw tables: no declared value is in clear.
func TestSensitiveSealed(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		a := f.camp(5, activities.QuotaInput{Attribute: "disability", Share: 0.2})
		req := person("s@example.org", people.Urban)
		needs := "wheelchair access"
		req.Person.Sensitive = people.Sensitive{Disability: ptr(true), Minority: ptr(false), AccessibilityNeeds: &needs}
		r, err := f.svc.Register(context.Background(), a, req)
		if err != nil || *r.Pool != registration.ReservedPool {
			t.Fatalf("a seat of the disability quota: %+v %v, want pool %q", r, err, registration.ReservedPool)
		}
		if sum, err := f.svc.Summary(context.Background(), staff, a.ID); err != nil || sum.Pools[0].Filled != 1 {
			t.Fatalf("the disability pool %+v %v, want 1 filled", sum.Pools, err)
		}
		var raw []struct {
			Disability, Minority, AccessibilityNeeds []byte
		}
		db.Raw("SELECT disability, minority, accessibility_needs FROM person_sensitive").Scan(&raw)
		var decl []struct {
			Pool                          string
			DeclaredSensitive, SealedPool []byte
		}
		db.Raw("SELECT pool, declared_sensitive, sealed_pool FROM registrations").Scan(&decl)
		if len(raw) != 1 || len(decl) != 1 {
			t.Fatalf("rows: %d sensitive, %d registrations", len(raw), len(decl))
		}
		if decl[0].Pool != registration.ReservedPool {
			t.Fatalf("the registration's pool is stored as %q", decl[0].Pool)
		}
		for _, b := range [][]byte{raw[0].Disability, raw[0].Minority, raw[0].AccessibilityNeeds, decl[0].DeclaredSensitive, decl[0].SealedPool} {
			s := string(b)
			if len(b) == 0 || strings.Contains(s, "true") || strings.Contains(s, "false") || strings.Contains(s, "wheelchair") || strings.Contains(s, "disab") {
				t.Fatalf("a sensitive value is stored in clear: %q", s)
			}
		}
	})
}

// TestConcurrentRush fires 300 registrations at once at a 50-seat camp with
// a 25% rural quota and proves the seat invariants afterwards.
func TestConcurrentRush(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(50, activities.QuotaInput{Attribute: "rural", Share: 0.25})
		const n = 300
		var wg sync.WaitGroup
		errs := make(chan error, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			locality := people.Urban
			if i%3 == 0 { // 100 rural applicants, arriving among the others
				locality = people.Rural
			}
			wg.Add(1)
			go func(i int, locality string) {
				defer wg.Done()
				<-start
				if _, err := f.svc.Register(ctx, a, person(fmt.Sprintf("rush%03d@example.org", i), locality)); err != nil {
					errs <- err
				}
			}(i, locality)
		}
		// Double submits of one form: exactly one gets through.
		var dupOK sync.WaitGroup
		dups := make(chan error, 10)
		for i := 0; i < 10; i++ {
			dupOK.Add(1)
			go func() {
				defer dupOK.Done()
				<-start
				_, err := f.svc.Register(ctx, a, person("Double@Example.org", people.Rural))
				dups <- err
			}()
		}
		close(start)
		wg.Wait()
		dupOK.Wait()
		close(errs)
		close(dups)
		for err := range errs {
			t.Errorf("registration failed: %v", err)
		}
		okDup := 0
		for err := range dups {
			if err == nil {
				okDup++
			} else if kindOf(err) != apperr.Conflict {
				t.Errorf("double submit: %v", err)
			}
		}
		if okDup != 1 {
			t.Fatalf("%d of 10 double submits got through, want 1", okDup)
		}
		checkRush(t, f, a, n+1)
	})
}

// TestConcurrentSpread sends public forms, then registers people, at eight
// camps at once, two in each of a node's queues, whose batches run side by
// side: the same people sign up for several camps at the same moment, so
// batches of different queues read, create, count and write the same
// people and counters together. Every form is kept once with its one email,
// every registration lands once, each camp fills to its capacity in arrival
// order, and its stored counters agree with its registrations.
func TestConcurrentSpread(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		const camps, capacity, persons, each = 8, 10, 30, 4
		acts := make([]*activities.Activity, camps)
		for i := range acts {
			acts[i] = f.camp(capacity)
		}
		var forms sync.WaitGroup
		formErrs := make(chan error, persons*each)
		go1 := make(chan struct{})
		for i := range persons {
			for k := range each {
				c := (i + k) % camps
				forms.Go(func() {
					<-go1
					if err := f.svc.Submit(ctx, acts[c], person(fmt.Sprintf("spread%02d@example.org", i), people.Urban)); err != nil {
						formErrs <- fmt.Errorf("form of person %d at camp %d: %w", i, c, err)
					}
				})
			}
		}
		close(go1)
		forms.Wait()
		close(formErrs)
		for err := range formErrs {
			t.Error(err)
		}
		if s, m := f.count("submissions"), f.count("outbox"); s != persons*each || m != persons*each {
			t.Fatalf("%d forms kept and %d emails queued; want %d each", s, m, persons*each)
		}

		var wg sync.WaitGroup
		errs := make(chan error, persons*each)
		start := make(chan struct{})
		applied := make([]int, camps)
		for i := range persons {
			for k := range each { // person i at camps i, i+1, i+2, i+3 (mod 8)
				c := (i + k) % camps
				applied[c]++
				wg.Go(func() {
					<-start
					if _, err := f.svc.Register(ctx, acts[c], person(fmt.Sprintf("spread%02d@example.org", i), people.Urban)); err != nil {
						errs <- fmt.Errorf("person %d at camp %d: %w", i, c, err)
					}
				})
			}
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		var n int64
		db.Model(&people.Person{}).Where("email LIKE ?", "spread%").Count(&n)
		if n != persons {
			t.Fatalf("%d people created, want %d", n, persons)
		}
		for c, a := range acts {
			var rows []registration.Registration
			db.Where("activity_id = ?", a.ID).Order("waitlist_order").Find(&rows)
			confirmed, seen := 0, map[int64]bool{}
			for _, r := range rows {
				if seen[*r.PersonID] {
					t.Fatalf("camp %d: person %d twice", c, *r.PersonID)
				}
				seen[*r.PersonID] = true
				if r.Status == "confirmed" {
					confirmed++
				}
			}
			if len(rows) != applied[c] || confirmed != min(capacity, applied[c]) {
				t.Fatalf("camp %d: %d registrations, %d confirmed; want %d, %d", c, len(rows), confirmed, applied[c], min(capacity, applied[c]))
			}
			if err := f.svc.CheckStored(ctx, a.ID); err != nil {
				t.Fatalf("camp %d: %v", c, err)
			}
		}
	})
}

// checkRush checks the seats of a 50-seat camp with a quarter for rural
// people after a rush of want registrations from distinct people, a third
// of them rural: 50 confirmed, 13 of them in the rural pool, one live
// registration per person, the others waiting in arrival order without
// gaps, the summary and the stored state agreeing.
func checkRush(t *testing.T, f *fixture, a *activities.Activity, want int) {
	t.Helper()
	ctx := context.Background()
	var rows []registration.Registration
	f.db.Where("activity_id = ?", a.ID).Order("waitlist_order").Find(&rows)
	confirmed, rural, others := 0, 0, 0
	persons := map[int64]bool{}
	var waitOrders []int64
	for _, r := range rows {
		if persons[*r.PersonID] {
			t.Fatalf("person %d registered twice", *r.PersonID)
		}
		persons[*r.PersonID] = true
		switch r.Status {
		case "confirmed":
			confirmed++
			if r.DeclaredLocality == people.Rural {
				rural++
			} else {
				others++
			}
			if *r.Pool == "rural" && r.DeclaredLocality != people.Rural {
				t.Fatalf("a non-rural person holds a rural seat")
			}
		case "waitlisted":
			waitOrders = append(waitOrders, r.WaitlistOrder)
		}
	}
	if len(rows) != want || confirmed != 50 || rural < 13 || others > 37 {
		t.Fatalf("%d registrations, %d confirmed (%d rural, %d others); want %d, 50, ≥13, ≤37", len(rows), confirmed, rural, others, want)
	}
	list, err := f.svc.List(ctx, staff, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	pos := 0
	for _, p := range list {
		if p.Status == "waitlisted" {
			pos++
			if p.Position != pos {
				t.Fatalf("waitlist positions have a gap: %d at %d", p.Position, pos)
			}
			if got, _ := f.svc.Get(ctx, p.ID); got.Position != pos {
				t.Fatalf("Get says position %d, list says %d", got.Position, pos)
			}
		}
	}
	if pos != want-50 {
		t.Fatalf("%d waiting, want %d", pos, want-50)
	}
	sum, err := f.svc.Summary(ctx, staff, a.ID)
	if err != nil || sum.Confirmed != 50 || sum.Pools[0].Seats != 13 || sum.Pools[0].Filled != 13 {
		t.Fatalf("summary %+v %v", sum, err)
	}
	// Waitlist order is arrival order: orders strictly increase.
	for i := 1; i < len(waitOrders); i++ {
		if waitOrders[i] <= waitOrders[i-1] {
			t.Fatal("waitlist order not increasing")
		}
	}
	if err := f.svc.CheckStored(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
}

// TestReleaseMovesWaitlist: at release time unfilled reserved seats become
// general; reads show it at once, and SettleDue writes it.
func TestReleaseMovesWaitlist(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		release := time.Now().UTC().Add(time.Hour)
		a := f.camp(2, activities.QuotaInput{Attribute: "rural", Share: 0.5, ReleaseAt: &release})
		f.svc.Register(ctx, a, person("u1@example.org", people.Urban))
		r2, _ := f.svc.Register(ctx, a, person("u2@example.org", people.Urban))
		if r2.Status != "waitlisted" {
			t.Fatalf("before release: %+v", r2)
		}
		f.at = release.Add(time.Minute)
		sum, _ := f.svc.Summary(ctx, staff, a.ID)
		if !sum.Pools[0].Released || sum.Confirmed != 2 {
			t.Fatalf("summary after release time: %+v", sum)
		}
		n, err := f.svc.SettleDue(ctx)
		if err != nil || n != 1 {
			t.Fatalf("SettleDue: %d %v", n, err)
		}
		if got, _ := f.svc.Get(ctx, r2.ID); got.Status != "confirmed" || *got.Pool != "general" {
			t.Fatalf("after release: %+v", got)
		}
		if n, _ := f.svc.SettleDue(ctx); n != 0 {
			t.Fatalf("nothing left to settle, yet %d", n)
		}
	})
}

// TestBatchAnswersEachOnItsOwn: registrations placed in one transaction get
// the answers they would get alone, and the refused ones write nothing.
func TestBatchAnswersEachOnItsOwn(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		camp := f.camp(2, activities.QuotaInput{Attribute: "rural", Share: 0.5})
		other := f.camp(10)
		draft, err := f.act.Create(ctx, 0, activities.Input{Kind: ptr(activities.KindTraining), Capacity: ptr(5),
			StartsAt: ptr(time.Now().Add(48 * time.Hour)), EndsAt: ptr(time.Now().Add(50 * time.Hour)),
			Title: map[string]string{"en": "Draft"}})
		if err != nil {
			t.Fatal(err)
		}
		young := person("young@example.org", people.Urban)
		young.Person.BirthYear = time.Now().Year() - 5
		flood := person("flood@example.org", people.Urban)
		if _, err := f.svc.Register(ctx, other, flood); err != nil {
			t.Fatal(err)
		}
		type want struct {
			status string
			pos    int
			kind   apperr.Kind
		}
		items := []struct {
			a    *activities.Activity
			req  registration.Request
			want want
		}{
			{camp, person("u1@example.org", people.Urban), want{status: "confirmed"}},
			{camp, person("U1@Example.org", people.Urban), want{kind: apperr.Conflict}}, // the same person, in the same batch
			{camp, person("u2@example.org", people.Urban), want{status: "waitlisted", pos: 1}},
			{camp, young, want{kind: apperr.Invalid}},
			{&activities.Activity{ID: 99999}, person("nowhere@example.org", people.Urban), want{kind: apperr.NotFound}},
			{draft, person("draft@example.org", people.Urban), want{kind: apperr.Conflict}},
			{camp, person("r1@example.org", people.Rural), want{status: "confirmed"}}, // the reserved seat
			{camp, person("u3@example.org", people.Urban), want{status: "waitlisted", pos: 2}},
			{other, person("u2@example.org", people.Urban), want{status: "confirmed"}}, // one person, two activities
		}
		// flood@ is registered already: every further try is a conflict,
		// however many, and no limit speaks of the address.
		for range formlimit.PerEmail + 1 {
			items = append(items, struct {
				a    *activities.Activity
				req  registration.Request
				want want
			}{other, flood, want{kind: apperr.Conflict}})
		}
		var as []*activities.Activity
		var reqs []registration.Request
		for _, it := range items {
			as, reqs = append(as, it.a), append(reqs, it.req)
		}
		out, errs := f.svc.RegisterTogether(ctx, as, reqs)
		for i, it := range items {
			switch {
			case it.want.kind != 0:
				if kindOf(errs[i]) != it.want.kind {
					t.Errorf("item %d (%s): got %+v %v, want kind %d", i, it.req.Person.Email, out[i], errs[i], it.want.kind)
				}
			case errs[i] != nil || out[i].Status != it.want.status || out[i].Position != it.want.pos:
				t.Errorf("item %d (%s): got %+v %v, want %+v", i, it.req.Person.Email, out[i], errs[i], it.want)
			}
		}
		var emails []string
		db.Model(&people.Person{}).Order("email").Pluck("email", &emails)
		if want := []string{"flood@example.org", "r1@example.org", "u1@example.org", "u2@example.org", "u3@example.org"}; !slices.Equal(emails, want) {
			t.Errorf("people written: %v, want %v", emails, want)
		}
		var outbox int64
		db.Table("outbox").Count(&outbox)
		if outbox != 6 { // flood@ once, then u1, u2, r1, u3, u2 again
			t.Errorf("%d notices, want 6", outbox)
		}
	})
}

// TestNoticeLimitPerEmail: the limit of public forms per email is silent.
// Over it a registration is placed as any other, but no notice goes to the
// address; refusals send nothing, so they count nothing, and a stranger
// who fails forms with someone's email cannot silence that person's own.
func TestNoticeLimitPerEmail(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		notices := func(email string) int64 {
			var n int64
			if err := db.Model(&outbox.Message{}).Where("to_address = ?", email).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		camp := f.camp(5)
		young := person("victim@example.org", people.Urban)
		young.Person.BirthYear = time.Now().Year() - 5
		for i := range formlimit.PerEmail {
			if _, err := f.svc.Register(ctx, camp, young); kindOf(err) != apperr.Invalid {
				t.Fatalf("refusal %d: %v", i, err)
			}
		}
		if r, err := f.svc.Register(ctx, camp, person("Victim@example.org", people.Urban)); err != nil || r.Status != "confirmed" {
			t.Fatalf("the victim's own registration: %+v %v", r, err)
		}
		if n := notices("victim@example.org"); n != 1 {
			t.Fatalf("%d notices to the victim, want 1", n)
		}

		// One email at more activities than the limit: each one placed,
		// alone or in one batch, and PerEmail notices in all.
		var as []*activities.Activity
		var reqs []registration.Request
		for i := range formlimit.PerEmail + 1 {
			a := f.camp(5)
			if i < formlimit.PerEmail/2 {
				if r, err := f.svc.Register(ctx, a, person("flood@example.org", people.Urban)); err != nil || r.Status != "confirmed" {
					t.Fatalf("registration %d: %+v %v", i, r, err)
				}
				continue
			}
			as, reqs = append(as, a), append(reqs, person("FLOOD@example.org", people.Urban))
		}
		out, errs := f.svc.RegisterTogether(ctx, as, reqs)
		for i := range out {
			if errs[i] != nil || out[i].Status != "confirmed" {
				t.Fatalf("batch item %d: %+v %v", i, out[i], errs[i])
			}
		}
		if n := notices("flood@example.org"); n != formlimit.PerEmail {
			t.Fatalf("%d notices to one address, want %d", n, formlimit.PerEmail)
		}
		var placed int64
		db.Model(&registration.Registration{}).Where("status = ?", "confirmed").Count(&placed)
		if placed != formlimit.PerEmail+2 {
			t.Fatalf("%d registrations placed, want %d", placed, formlimit.PerEmail+2)
		}
	})
}

// TestCancelActivityCancelsRegistrations: cancelling an activity cancels
// every live registration in the same transaction and tells each person,
// in their language.
func TestCancelActivityCancelsRegistrations(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(1)
		kept := f.camp(5)
		confirmed, _ := f.svc.Register(ctx, a, person("c@example.org", people.Urban))
		waiting, _ := f.svc.Register(ctx, a, person("w@example.org", people.Urban))
		left, _ := f.svc.Register(ctx, a, person("l@example.org", people.Urban))
		if _, err := f.svc.Cancel(ctx, left.ID); err != nil {
			t.Fatal(err)
		}
		other, _ := f.svc.Register(ctx, kept, person("c@example.org", people.Urban))
		db.Exec("DELETE FROM outbox")
		if _, err := f.act.SetStatus(ctx, 0, a.ID, activities.StatusCancelled); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{confirmed.ID, waiting.ID} {
			if r, err := f.svc.Get(ctx, id); err != nil || r.Status != "cancelled" || r.Pool != nil || r.Position != 0 {
				t.Errorf("registration %d after the activity was cancelled: %+v %v", id, r, err)
			}
		}
		if r, _ := f.svc.Get(ctx, other.ID); r.Status != "confirmed" {
			t.Errorf("a registration at another activity was touched: %+v", r)
		}
		var notices []outbox.Message
		db.Order("to_address").Find(&notices)
		if len(notices) != 2 || notices[0].ToAddress != "c@example.org" || notices[1].ToAddress != "w@example.org" ||
			notices[0].Kind != "activity.cancelled" || notices[0].Locale != "mn" || !strings.Contains(notices[0].Subject, "цуцлагдлаа") {
			t.Fatalf("notices: %+v", notices)
		}
		if n, _ := f.svc.ConfirmedCount(ctx, a.ID); n != 0 {
			t.Errorf("%d confirmed after the cancellation", n)
		}
	})
}
