package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
)

// TestPageCache: anonymous visitors get cached public pages that still show
// a write made on the same node at once, and a write made on another node
// within the cache's lifetime; signed-in users get their own pages.
func TestPageCache(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("cached", 20)
		other := newEnv(t, e.db) // a second node over the same database
		now := time.Now()
		other.srv.pageCache.Now = func() time.Time { return now }
		anon, anonOther := e.client(), other.client()
		seats := func(c *client, want string) {
			t.Helper()
			if res := c.get("/activities/cached"); res.StatusCode != 200 || !strings.Contains(res.Body, want) {
				t.Fatalf("page shows %q, want %q", between(res.Body, `id="free-seats">`, "<"), want)
			}
		}
		seats(anon, "20 free seats of 20")
		seats(anonOther, "20 free seats of 20")

		// A form placed by the tap on its email's link moves the seats.
		if r := anon.submitRegistration("cached", registrationForm("saraa@example.org", people.Rural)); r.StatusCode != 200 {
			t.Fatalf("register: %d %s", r.StatusCode, r.Body)
		}
		seats(anon, "19 free seats of 20")
		seats(anonOther, "20 free seats of 20") // the other node's entry is still fresh
		now = now.Add(changes.CacheLifetime)
		seats(anonOther, "19 free seats of 20")

		title := map[string]string{"en": "Renamed camp"}
		if _, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{Title: title}); err != nil {
			t.Fatal(err)
		}
		if res := anon.get("/activities/cached"); !strings.Contains(res.Body, "Renamed camp") {
			t.Fatal("an edit did not reach the cached page")
		}
		if res := anon.get("/activities"); !strings.Contains(res.Body, "Renamed camp") {
			t.Fatal("an edit did not reach the cached list")
		}

		e.user("coord@example.org", "coordinator")
		staff := e.client()
		staff.login("coord@example.org")
		if res := staff.get("/activities/cached"); !strings.Contains(res.Body, `id="logout"`) {
			t.Fatal("a signed-in user got the anonymous page")
		}
		if res := anon.get("/activities/cached"); strings.Contains(res.Body, `id="logout"`) || strings.Contains(res.Body, `name="_csrf"`) {
			t.Fatal("an anonymous visitor got a signed-in user's page")
		}
		if res := anon.get("/activities/cached?lang=mn"); pageLang(res.Body) != "mn" {
			t.Fatalf("the cache ignored the language: %s", pageLang(res.Body))
		}
	})
}

// TestRegistrationReadsSeatsNotCache: the seat is decided in the
// transaction, whatever a cached activity says.
func TestRegistrationReadsSeatsNotCache(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("one-seat", 1)
		stale, err := e.srv.Cached.ByID(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		req := func(email string) registration.Request {
			return registration.Request{Consent: true, Person: people.Declared{GivenName: "A", Email: email,
				BirthYear: 2006, Region: "MN-057", Locality: people.Urban}}
		}
		if r, err := e.srv.Registrations.Register(context.Background(), stale, req("first@example.org")); err != nil || r.Status != "confirmed" {
			t.Fatalf("first: %+v %v", r, err)
		}
		if r, err := e.srv.Registrations.Register(context.Background(), stale, req("second@example.org")); err != nil || r.Status != "waitlisted" || r.Position != 1 {
			t.Fatalf("second: %+v %v", r, err)
		}
		if _, err := e.srv.Activities.SetStatus(context.Background(), 0, a.ID, activities.StatusCancelled); err != nil {
			t.Fatal(err)
		}
		if _, err := e.srv.Registrations.Register(context.Background(), stale, req("third@example.org")); err == nil {
			t.Fatal("a stale copy of a cancelled activity took a registration")
		}
	})
}

// between is the text of s after start, up to end.
func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	before, _, _ := strings.Cut(after, end)
	return before
}
