package registration_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// coordinator is a staff viewer with an id, for the audit log.
var coordinator = access.Viewer{UserID: 0, Staff: true}

// applicationCamp is camp in application mode.
func (f *fixture) applicationCamp(capacity int, quotas ...activities.QuotaInput) *activities.Activity {
	f.t.Helper()
	return f.set(f.camp(capacity, quotas...), map[string]any{"registration_mode": activities.RegistrationModeApplication})
}

// apply registers each email at a, staff-entered, and returns the
// registrations in order; each must be an application.
func (f *fixture) apply(a *activities.Activity, reqs ...registration.Request) []*registration.Placed {
	f.t.Helper()
	var out []*registration.Placed
	for _, in := range reqs {
		p, err := f.svc.Register(context.Background(), a, in)
		if err != nil {
			f.t.Fatal(err)
		}
		if p.Status != string(registration.Applied) || p.Pool != nil || p.Position != 0 {
			f.t.Fatalf("%s: %+v, want an application holding no seat", in.Person.Email, p.Registration)
		}
		out = append(out, p)
	}
	return out
}

// decide runs a decision that must succeed, then checks the core's
// invariants on the stored state.
func (f *fixture) decide(a *activities.Activity, accept bool, regs ...*registration.Placed) []registration.Placed {
	f.t.Helper()
	ids := make([]int64, len(regs))
	for i, r := range regs {
		ids[i] = r.ID
	}
	done, err := f.svc.Decide(context.Background(), coordinator, a.ID, ids, accept)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.svc.CheckStored(context.Background(), a.ID); err != nil {
		f.t.Fatal(err)
	}
	return done
}

func (f *fixture) audited(action string) int64 {
	f.t.Helper()
	var n int64
	if err := f.db.Model(&audit.Entry{}).Where("action = ?", action).Count(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

// TestApplicationHoldsNoSeat: in application mode every verified
// registration (staff-entered, a verified account's, the tap on an emailed
// link) is an application that holds no seat, and its person is told it
// was received, with the manage link.
func TestApplicationHoldsNoSeat(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.applicationCamp(1)
		apps := f.apply(a, person("a@example.org", people.Urban), person("b@example.org", people.Rural))
		token := f.submit(a, person("tap@example.org", people.Urban))
		c, err := f.svc.Confirm(ctx, token)
		if err != nil || c.Status != string(registration.Applied) || c.ManageToken == "" {
			t.Fatalf("tap: %+v %v", c, err)
		}
		if n, err := f.svc.ConfirmedCount(ctx, a.ID); err != nil || n != 0 {
			t.Fatalf("confirmed %d %v", n, err)
		}
		sum, err := f.svc.Summary(ctx, staff, a.ID)
		if err != nil || sum.Confirmed != 0 || sum.Waitlisted != 0 {
			t.Fatalf("summary %+v %v", sum, err)
		}
		if roster, err := f.svc.Roster(ctx, staff, a.ID); err != nil || len(roster) != 0 {
			t.Fatalf("roster %+v %v", roster, err)
		}
		if err := f.svc.CheckStored(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		for _, addr := range []string{"a@example.org", "b@example.org", "tap@example.org"} {
			m := last(t, db, addr, "registration.applied")
			got, err := f.svc.Manage(ctx, link(t, m, "r"))
			if err != nil || got.Status != string(registration.Applied) {
				t.Fatalf("%s: the manage link shows %+v %v", addr, got, err)
			}
		}
		// Someone who applied already is sent their link again.
		if _, err := f.svc.Register(ctx, a, person("a@example.org", people.Urban)); messageID(err) != "error_already_registered" {
			t.Fatalf("a second application: %v", err)
		}
		// Withdrawing an application moves nothing.
		if _, err := f.svc.Cancel(ctx, apps[0].ID); err != nil {
			t.Fatal(err)
		}
		last(t, db, "a@example.org", "registration.cancelled")
		// Applications close with registration; coordinators still decide.
		a = f.set(a, map[string]any{"registration_closes_at": time.Now().UTC().Add(-time.Minute)})
		if _, err := f.svc.Register(ctx, a, person("late@example.org", people.Urban)); messageID(err) != "error_registration_closed" {
			t.Fatalf("an application after the close: %v", err)
		}
		done := f.decide(a, true, apps[1])
		if done[0].Status != string(registration.Confirmed) {
			t.Fatalf("accepted after the close: %+v", done[0])
		}
	})
}

// TestAcceptAllocates: accepting places each application by the quota
// rules, as a newcomer of an open activity, in the order of acceptance:
// a reserved seat it qualifies for, a general seat, else the waitlist; the
// pools stay held for those who qualify, beyond the capacity too.
func TestAcceptAllocates(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		// Capacity 4: two seats reserved for rural youth, two general.
		a := f.applicationCamp(4, activities.QuotaInput{Attribute: quota.Rural, Share: 0.5})
		apps := f.apply(a,
			person("u1@example.org", people.Urban), person("u2@example.org", people.Urban), person("u3@example.org", people.Urban),
			person("r1@example.org", people.Rural), person("r2@example.org", people.Rural), person("r3@example.org", people.Rural),
			person("u4@example.org", people.Urban))
		u1, u2, u3, r1, r2, r3, u4 := apps[0], apps[1], apps[2], apps[3], apps[4], apps[5], apps[6]

		done := f.decide(a, true, u1, u2, u3, r1)
		want := []struct {
			status, pool string
			pos          int
		}{{"confirmed", "general", 0}, {"confirmed", "general", 0}, {"waitlisted", "", 1}, {"confirmed", "rural", 0}}
		for i, w := range want {
			pool := ""
			if done[i].Pool != nil {
				pool = *done[i].Pool
			}
			if done[i].Status != w.status || pool != w.pool || done[i].Position != w.pos {
				t.Fatalf("accepted #%d: %s %q %d, want %+v", i+1, done[i].Status, pool, done[i].Position, w)
			}
		}
		if got := f.filled(a.ID); got["general"] != 2 || got["rural"] != 1 {
			t.Fatalf("filled %v", got)
		}
		// The rural seat left is held for rural youth: u4 waits, r2 takes it,
		// and r3, beyond the capacity, waits behind u3 and u4.
		done = f.decide(a, true, u4, r2, r3)
		if done[0].Status != "waitlisted" || done[0].Position != 2 || done[1].Status != "confirmed" ||
			*done[1].Pool != "rural" || done[2].Status != "waitlisted" || done[2].Position != 3 {
			t.Fatalf("second decision: %+v", done)
		}
		if got := f.filled(a.ID); got["general"] != 2 || got["rural"] != 2 {
			t.Fatalf("filled %v", got)
		}
		// A rural seat freed goes to the first rural person waiting.
		if _, err := f.svc.Cancel(ctx, r1.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ := f.svc.Get(ctx, r3.ID); p.Status != "confirmed" || *p.Pool != "rural" {
			t.Fatalf("r3 after a rural seat was freed: %+v", p.Registration)
		}
		last(t, db, "r3@example.org", "registration.promoted")
		if err := f.svc.CheckStored(ctx, a.ID); err != nil {
			t.Fatal(err)
		}

		m := last(t, db, "u1@example.org", "registration.accepted")
		if got, err := f.svc.Manage(ctx, link(t, m, "r")); err != nil || got.ID != u1.ID || m.Locale != "mn" {
			t.Fatalf("u1's email: %+v %v (%s)", got, err, m.Locale)
		}
		m = last(t, db, "u4@example.org", "registration.accepted_waiting")
		if !strings.Contains(m.Body, "2") {
			t.Fatalf("u4's email does not give the position:\n%s", m.Body)
		}
		if n := f.audited("registration.accept"); n != 7 {
			t.Fatalf("%d accepts audited", n)
		}
		apps2, err := f.svc.Applications(ctx, staff, a.ID, registration.ApplicantFilter{})
		if err != nil || apps2.Waiting != 0 || apps2.Accepted != 6 || len(apps2.Applicants) != 0 {
			t.Fatalf("applications %+v %v", apps2, err)
		}
	})
}

// TestDeclineNeutral: a decline moves no seat, and tells the person kindly,
// with their manage link and no reason; a decision is made once.
func TestDeclineNeutral(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.applicationCamp(2, activities.QuotaInput{Attribute: quota.Rural, Share: 0.5})
		apps := f.apply(a, person("no@example.org", people.Rural), person("yes@example.org", people.Urban))
		done := f.decide(a, false, apps[0])
		if done[0].Status != string(registration.Declined) || done[0].Pool != nil {
			t.Fatalf("declined: %+v", done[0])
		}
		m := last(t, db, "no@example.org", "registration.declined")
		got, err := f.svc.Manage(ctx, link(t, m, "r"))
		if err != nil || got.Status != string(registration.Declined) {
			t.Fatalf("the manage link: %+v %v", got, err)
		}
		want := f.cat.Localizer("mn").T("notice_declined_body")
		if !strings.Contains(m.Body, want) {
			t.Fatalf("the decline does not say %q:\n%s", want, m.Body)
		}
		for _, reason := range []string{"хөдөө", "квот", "нас", "rural", "quota"} {
			if strings.Contains(strings.ToLower(m.Body), reason) {
				t.Fatalf("the decline names %q:\n%s", reason, m.Body)
			}
		}
		if n := f.audited("registration.decline"); n != 1 {
			t.Fatalf("%d declines audited", n)
		}
		for _, accept := range []bool{true, false} {
			if _, err := f.svc.Decide(ctx, coordinator, a.ID, []int64{apps[0].ID}, accept); messageID(err) != "error_application_decided" {
				t.Fatalf("deciding again (accept %v): %v", accept, err)
			}
		}
		if _, err := f.svc.Cancel(ctx, apps[0].ID); messageID(err) != "error_application_decided" {
			t.Fatalf("cancelling a declined application: %v", err)
		}
		// A batch naming a decided application decides nothing.
		if _, err := f.svc.Decide(ctx, coordinator, a.ID, []int64{apps[1].ID, apps[0].ID}, true); kindOf(err) != apperr.Conflict {
			t.Fatalf("a batch with a decided one: %v", err)
		}
		if p, _ := f.svc.Get(ctx, apps[1].ID); p.Status != string(registration.Applied) {
			t.Fatalf("half a batch was decided: %+v", p.Registration)
		}
		// Unknown ids, another activity's, none, and one out of reach.
		other := f.applicationCamp(2)
		stranger := f.apply(other, person("x@example.org", people.Urban))[0]
		for _, ids := range [][]int64{{stranger.ID}, {999999}} {
			if _, err := f.svc.Decide(ctx, coordinator, a.ID, ids, true); err != apperr.ErrNotFound {
				t.Fatalf("Decide(%v): %v", ids, err)
			}
		}
		if _, err := f.svc.Decide(ctx, coordinator, a.ID, nil, true); kindOf(err) != apperr.Invalid {
			t.Fatalf("no ids: %v", err)
		}
		if _, err := f.svc.Decide(ctx, access.Viewer{UserID: 42}, a.ID, []int64{apps[1].ID}, true); err != apperr.ErrNotFound {
			t.Fatalf("a facilitator of another activity: %v", err)
		}
		if n, _ := f.svc.ConfirmedCount(ctx, a.ID); n != 0 {
			t.Fatalf("%d confirmed", n)
		}
	})
}

// TestDecideOnce: coordinators deciding the same applicant at once make
// one decision: one is told it was decided already.
func TestDecideOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		a := f.applicationCamp(3)
		app := f.apply(a, person("one@example.org", people.Urban))[0]
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.Decide(context.Background(), coordinator, a.ID, []int64{app.ID}, i%2 == 0)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case messageID(err) != "error_application_decided":
				t.Fatalf("a concurrent decision: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d decisions succeeded", ok)
		}
		decided := f.audited("registration.accept") + f.audited("registration.decline")
		if decided != 1 || len(mails(t, db, "one@example.org")) != 2 {
			t.Fatalf("%d decisions audited, emails %v", decided, kinds(mails(t, db, "one@example.org")))
		}
		if err := f.svc.CheckStored(context.Background(), a.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAcceptedMinorAsksGuardian: a minor's guardian is asked once the
// application is accepted, not before; the place is then held as at an
// open activity.
func TestAcceptedMinorAsksGuardian(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		a := f.applicationCamp(2)
		app := f.apply(a, minor("young@example.org", a))[0]
		if len(mails(t, db, "guardian.young@example.org")) != 0 || app.GuardianDueAt != nil {
			t.Fatalf("the guardian was asked before the decision: %+v", app.Registration)
		}
		if _, err := f.svc.RecordGuardian(context.Background(), staff, 0, app.ID, true, registration.GuardianByPaper, ""); messageID(err) != "error_guardian_not_yet" {
			t.Fatalf("a guardian's answer before the decision: %v", err)
		}
		done := f.decide(a, true, app)
		if done[0].Status != "confirmed" || done[0].GuardianDueAt == nil {
			t.Fatalf("accepted: %+v", done[0].Registration)
		}
		last(t, db, "guardian.young@example.org", "guardian.request")
		m := last(t, db, "young@example.org", "registration.accepted")
		if !strings.Contains(m.Body, f.cat.Localizer("mn").T("notice_guardian_waiting", "Guardian", "Parent Name",
			"Due", a.When(f.cat.Localizer("mn"), *done[0].GuardianDueAt))) {
			t.Fatalf("the acceptance does not say the guardian is asked:\n%s", m.Body)
		}
	})
}

// TestApplicationsRandom applies, accepts, declines and cancels at random
// on both databases, and checks the core's invariants and the seat row
// after each step (the cleanup compares the seat row with the rows).
func TestApplicationsRandom(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(15, 1))
		a := f.applicationCamp(5, activities.QuotaInput{Attribute: quota.Rural, Share: 0.4},
			activities.QuotaInput{Attribute: quota.Disability, Share: 0.2})
		var waiting, placed []int64
		steps := 60
		if testing.Short() {
			steps = 20
		}
		for i := range steps {
			switch op := rng.IntN(4); {
			case op == 0 || len(waiting) == 0:
				in := declaring(fmt.Sprintf("p%d@example.org", i), rng.IntN(3) == 0, false)
				if rng.IntN(2) == 0 {
					in.Person.Locality = people.Rural
				}
				waiting = append(waiting, f.apply(a, in)[0].ID)
			case op == 1 && len(placed) > 0:
				k := rng.IntN(len(placed))
				if _, err := f.svc.Cancel(ctx, placed[k]); err != nil {
					t.Fatal(err)
				}
				placed = append(placed[:k], placed[k+1:]...)
			default:
				k := 1 + rng.IntN(len(waiting))
				ids := waiting[:k]
				if _, err := f.svc.Decide(ctx, coordinator, a.ID, ids, op != 3); err != nil {
					t.Fatal(err)
				}
				if op != 3 {
					placed = append(placed, ids...)
				}
				waiting = append([]int64(nil), waiting[k:]...)
			}
			if err := f.svc.CheckStored(ctx, a.ID); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
	})
}

func TestFilterApplicants(t *testing.T) {
	t.Parallel()
	at := func(m int) time.Time { return time.Date(2027, 3, 1, 10, m, 0, 0, time.UTC) }
	year := func(y int) *int { return &y }
	list := []registration.Applicant{
		{ID: 1, BirthYear: year(2005), Region: "MN-057", Locality: people.Urban, CreatedAt: at(3)},
		{ID: 2, BirthYear: year(2009), Region: "MN-046", Locality: people.Rural, Attributes: []quota.Attribute{quota.Rural}, CreatedAt: at(1)},
		{ID: 3, Region: "MN-057", Locality: people.Rural, Attributes: []quota.Attribute{quota.Rural}, CreatedAt: at(2)},
		{ID: 4, BirthYear: year(2009), Region: "ID-BA", Locality: people.Urban, CreatedAt: at(0)},
	}
	for _, tc := range []struct {
		f    registration.ApplicantFilter
		want []int64
	}{
		{registration.ApplicantFilter{}, []int64{4, 2, 3, 1}},
		{registration.ApplicantFilter{Sort: registration.SortAge}, []int64{4, 2, 1, 3}},
		{registration.ApplicantFilter{Attribute: "rural"}, []int64{2, 3}},
		{registration.ApplicantFilter{Locality: people.Urban, Sort: registration.SortAge}, []int64{4, 1}},
		{registration.ApplicantFilter{Region: "MN-057"}, []int64{3, 1}},
		{registration.ApplicantFilter{Region: "FR-IDF"}, []int64{}},
	} {
		got := registration.FilterApplicants(list, tc.f)
		ids := []int64{}
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
			t.Errorf("%+v: %v, want %v", tc.f, ids, tc.want)
		}
	}
	if list[0].ID != 1 {
		t.Fatal("the list was changed")
	}
	for _, bad := range []registration.ApplicantFilter{{Attribute: "disability"}, {Attribute: "x"}, {Locality: "moon"},
		{Region: "XX-1"}, {Sort: "name"}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
	if err := (registration.ApplicantFilter{Attribute: "rural", Locality: people.Rural, Region: "MN-057", Sort: "age"}).Validate(); err != nil {
		t.Fatal(err)
	}
}
