package registration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// TestFreedReservedSeatGoesToQualifyingWaiter: a rural seat freed by a
// cancellation, or opened by a capacity increase, goes to the rural person
// waiting, past an urban one, and is told by a promotion notice; the rural
// person in a general seat stays there and hears nothing. With nobody rural
// waiting, the rural person in a general seat moves into the pool (still
// without a notice) and the urban waiter takes their general seat.
func TestFreedReservedSeatGoesToQualifyingWaiter(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		// Capacity 4, rural 0.25: one rural seat, three general ones.
		setUp := func(name string, lastLocality string) (a *activities.Activity, ids map[string]int64) {
			a = f.camp(4, activities.QuotaInput{Attribute: "rural", Share: 0.25})
			ids = map[string]int64{}
			for _, p := range []struct{ who, locality string }{
				{"rural1", people.Rural}, {"rural2", people.Rural}, {"urban3", people.Urban}, {"urban4", people.Urban},
				{"urban5", people.Urban}, {"last6", lastLocality},
			} {
				r, err := f.svc.Register(ctx, a, person(p.who+"."+name+"@example.org", p.locality))
				if err != nil {
					t.Fatal(err)
				}
				ids[p.who] = r.ID
			}
			f.expect(ids["rural1"], "confirmed", "rural", 0)
			f.expect(ids["rural2"], "confirmed", "general", 0)
			f.expect(ids["urban5"], "waitlisted", "", 1)
			f.expect(ids["last6"], "waitlisted", "", 2)
			db.Exec("DELETE FROM outbox")
			return a, ids
		}

		_, ids := setUp("cancel", people.Rural)
		if _, err := f.svc.Cancel(ctx, ids["rural1"]); err != nil {
			t.Fatal(err)
		}
		f.expect(ids["last6"], "confirmed", "rural", 0)
		f.expect(ids["rural2"], "confirmed", "general", 0)
		f.expect(ids["urban5"], "waitlisted", "", 1)
		f.expectNotices("registration.cancelled rural1.cancel@example.org", "registration.promoted last6.cancel@example.org")

		a, ids := setUp("capacity", people.Rural)
		// At 5 rural reserves 2 seats and leaves 3 general ones, all taken.
		if _, err := f.act.Update(ctx, 0, a.ID, activities.Input{Capacity: ptr(5)}); err != nil {
			t.Fatal(err)
		}
		f.expect(ids["last6"], "confirmed", "rural", 0)
		f.expect(ids["rural2"], "confirmed", "general", 0)
		f.expect(ids["urban5"], "waitlisted", "", 1)
		f.expectNotices("registration.promoted last6.capacity@example.org")

		_, ids = setUp("nobody", people.Urban)
		if _, err := f.svc.Cancel(ctx, ids["rural1"]); err != nil {
			t.Fatal(err)
		}
		f.expect(ids["rural2"], "confirmed", "rural", 0)
		f.expect(ids["urban5"], "confirmed", "general", 0)
		f.expect(ids["last6"], "waitlisted", "", 1)
		f.expectNotices("registration.cancelled rural1.nobody@example.org", "registration.promoted urban5.nobody@example.org")
	})
}

// expect fails the test unless registration id has status, pool ("" for
// none) and waitlist position.
func (f *fixture) expect(id int64, status, pool string, position int) {
	f.t.Helper()
	r, err := f.svc.Get(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	got := ""
	if r.Pool != nil {
		got = *r.Pool
	}
	if r.Status != status || got != pool || r.Position != position {
		f.t.Errorf("registration %d is %s in %q at %d, want %s in %q at %d", id, r.Status, got, r.Position, status, pool, position)
	}
}

// expectNotices fails the test unless the outbox holds exactly the notices
// want ("kind address"), in the order queued, and then empties it.
func (f *fixture) expectNotices(want ...string) {
	f.t.Helper()
	var got []outbox.Message
	f.db.Order("id").Find(&got)
	lines := make([]string, len(got))
	for i, m := range got {
		lines[i] = m.Kind + " " + m.ToAddress
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		f.t.Errorf("notices:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	f.db.Exec("DELETE FROM outbox")
}
