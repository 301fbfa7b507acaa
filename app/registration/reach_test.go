package registration_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// The staff's reads of registrations are narrowed by the viewer: staff
// reach every activity, a facilitator only those they lead, a partner member
// only the counts of what its organisation co-hosts. Each read has its
// positive and its negative case.
func TestReadsAreNarrowedToTheViewer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		led, other := f.camp(2), f.camp(2)
		u, err := auth.NewStore(db, clock.System).CreateUser(ctx, 0, auth.NewUser{Email: "lead@example.org", DisplayName: "Lead",
			Password: "correct-horse-battery", Role: access.Facilitator})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&activities.Facilitator{ActivityID: led.ID, UserID: u.ID}).Error; err != nil {
			t.Fatal(err)
		}
		org, err := partners.NewStore(db, clock.System).Create(ctx, staff, partners.Input{Name: ptr("Youth council"), Kind: ptr("youth_council"), Region: ptr("MN-1")})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&activities.CoHost{ActivityID: other.ID, PartnerID: org.ID}).Error; err != nil {
			t.Fatal(err)
		}
		mine, err := f.svc.Register(ctx, led, person("a@example.org", people.Urban))
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := f.svc.Register(ctx, other, person("b@example.org", people.Urban))
		if err != nil {
			t.Fatal(err)
		}
		lead := access.Viewer{UserID: u.ID}
		member := access.Viewer{UserID: u.ID + 1, PartnerID: org.ID}
		f.at = other.StartsAt.Add(time.Hour) // attendance is marked once they start

		for _, tc := range []struct {
			name     string
			v        access.Viewer
			activity int64
			reg      int64
		}{{"staff", staff, other.ID, theirs.ID}, {"facilitator", lead, led.ID, mine.ID}} {
			if roster, err := f.svc.Roster(ctx, tc.v, tc.activity); err != nil || len(roster) != 1 {
				t.Errorf("%s: roster %v %v, want one", tc.name, roster, err)
			}
			if list, err := f.svc.List(ctx, tc.v, tc.activity); err != nil || len(list) != 1 {
				t.Errorf("%s: list %v %v, want one", tc.name, list, err)
			}
			if sum, err := f.svc.Summary(ctx, tc.v, tc.activity); err != nil || sum.Confirmed != 1 {
				t.Errorf("%s: summary %+v %v", tc.name, sum, err)
			}
			if r, err := f.svc.GetAs(ctx, tc.v, tc.reg); err != nil || r.ID != tc.reg {
				t.Errorf("%s: get %v", tc.name, err)
			}
			if r, err := f.svc.SetAttendance(ctx, tc.v, tc.reg, true); err != nil || r.Attended == nil || !*r.Attended {
				t.Errorf("%s: attendance %v", tc.name, err)
			}
		}

		// What a viewer does not reach is not found, or not there.
		for _, tc := range []struct {
			name     string
			v        access.Viewer
			activity int64
			reg      int64
		}{{"facilitator", lead, other.ID, theirs.ID}, {"partner member", member, other.ID, theirs.ID},
			{"nobody", access.Viewer{}, led.ID, mine.ID}} {
			if roster, err := f.svc.Roster(ctx, tc.v, tc.activity); err != nil || len(roster) != 0 {
				t.Errorf("%s: roster %v %v, want none", tc.name, roster, err)
			}
			if list, err := f.svc.List(ctx, tc.v, tc.activity); err != nil || len(list) != 0 {
				t.Errorf("%s: list %v %v, want none", tc.name, list, err)
			}
			if _, err := f.svc.Summary(ctx, tc.v, tc.activity); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("%s: summary %v, want not found", tc.name, err)
			}
			if _, err := f.svc.GetAs(ctx, tc.v, tc.reg); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("%s: get %v, want not found", tc.name, err)
			}
			if _, err := f.svc.SetAttendance(ctx, tc.v, tc.reg, false); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("%s: attendance %v, want not found", tc.name, err)
			}
			if _, err := f.svc.CancelAs(ctx, tc.v, tc.reg); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("%s: cancel %v, want not found", tc.name, err)
			}
		}
		if r, _ := f.svc.Get(ctx, theirs.ID); r.Status != string(registration.Confirmed) || r.Attended == nil || !*r.Attended {
			t.Fatalf("a refused write changed the registration: %+v", r)
		}

		// Counts: a partner member's space counts what its organisation
		// co-hosts, a facilitator what they lead, staff everything.
		ids := []int64{led.ID, other.ID}
		for _, tc := range []struct {
			name string
			v    access.Viewer
			want []int64
		}{{"staff", staff, ids}, {"facilitator", lead, ids[:1]}, {"partner member", member, ids[1:]}, {"nobody", access.Viewer{}, nil}} {
			got, err := f.svc.Tallies(ctx, tc.v, ids)
			if err != nil || len(got) != len(tc.want) {
				t.Errorf("%s: tallies %v %v, want %v", tc.name, got, err, tc.want)
			}
			for _, id := range tc.want {
				if got[id].Confirmed != 1 {
					t.Errorf("%s: tally of %d is %+v", tc.name, id, got[id])
				}
			}
		}

		if r, err := f.svc.CancelAs(ctx, lead, mine.ID); err != nil || r.Status != string(registration.Cancelled) {
			t.Fatalf("the facilitator cancels on the activity they lead: %+v %v", r, err)
		}
	})
}
