package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
)

// scopeFixture is two partner organisations, A and B, each with its own
// campaign (notes, checklist, letters, a petition) and a co-hosted activity
// with a participant; partner A's member is signed in and holds a token.
type scopeFixture struct {
	a, b               int64 // partner ids
	campA, campB       int64
	itemB              int64 // a checklist item of B's campaign
	petA, petB         int64
	petASlug, petBSlug string
	actA, actB         int64
	actBSlug           string
	regB               int64 // the registration of B's participant
	member             *client
	token              string
	secrets            []string // what partner A must never read off a page that is not public
	personal           []string // what nobody may read off any page: participants' names and emails
}

func newScopeFixture(t *testing.T, e *env) *scopeFixture {
	t.Helper()
	now := time.Now().UTC()
	f := &scopeFixture{}
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := e.db.Raw(q+" RETURNING id", args...).Scan(&id).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	must := func(q string, args ...any) {
		t.Helper()
		if err := e.db.Exec(q, args...).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	f.a = exec("INSERT INTO partners (name, kind, contact_email, created_at, updated_at) VALUES ('Org A', 'youth_led', 'a@org-a.example', ?, ?)", now, now)
	f.b = exec("INSERT INTO partners (name, kind, contact_email, created_at, updated_at) VALUES ('Org B Hidden', 'lgbti', 'b-secret@org-b.example', ?, ?)", now, now)
	for _, p := range []int64{f.a, f.b} {
		must("INSERT INTO partnerships (partner_id, status, notes, updated_at) VALUES (?, 'active', ?, ?)", p, "staff-only note "+strconv.FormatInt(p, 10), now)
	}
	camp := func(title string, partner int64, stages ...string) int64 {
		id := exec("INSERT INTO campaigns (stage, created_at, updated_at) VALUES ('planning', ?, ?)", now, now)
		must("INSERT INTO campaign_translations (campaign_id, locale, title, summary) VALUES (?, 'en', ?, '')", id, title)
		for _, s := range stages {
			must("INSERT INTO campaign_partners (campaign_id, partner_id, stage) VALUES (?, ?, ?)", id, partner, s)
		}
		return id
	}
	f.campA = camp("Campaign of A", f.a, "planning")
	f.campB = camp("Campaign B Hidden", f.b, "planning", "monitoring")
	must("INSERT INTO campaign_notes (campaign_id, stage, text, created_at) VALUES (?, 'planning', 'B-only planning note', ?)", f.campB, now)
	f.itemB = exec("INSERT INTO campaign_checklist (campaign_id, stage, position, text, created_at) VALUES (?, 'planning', 1, 'B-only checklist item', ?)", f.campB, now)
	must("INSERT INTO letters (campaign_id, count, note, created_at) VALUES (?, 7, 'B-only letters', ?)", f.campB, now)
	pet := func(campaign int64, slug string) int64 {
		id := exec("INSERT INTO petitions (campaign_id, slug, goal, created_at, updated_at) VALUES (?, ?, 100, ?, ?)", campaign, slug, now, now)
		must("INSERT INTO petition_translations (petition_id, locale, title, text) VALUES (?, 'en', ?, 'Sign it')", id, "Petition "+slug)
		return id
	}
	f.petASlug, f.petBSlug = "petition-of-a", "petition-of-b"
	f.petA, f.petB = pet(f.campA, f.petASlug), pet(f.campB, f.petBSlug)

	actA, actB := e.publishedCamp("camp-of-a", 10), e.publishedCamp("camp-of-b", 10)
	f.actA, f.actB, f.actBSlug = actA.ID, actB.ID, actB.Slug
	must("INSERT INTO activity_partners (activity_id, partner_id) VALUES (?, ?)", f.actA, f.a)
	must("INSERT INTO activity_partners (activity_id, partner_id) VALUES (?, ?)", f.actB, f.b)
	anon := e.client()
	anon.get("/activities/camp-of-a/register")
	for slug, who := range map[string]string{"camp-of-a": "hidden.participant.a", "camp-of-b": "hidden.participant.b"} {
		vals := registrationForm(who+"@example.org", "rural")
		vals.Set("given_name", "Zolzaya"+strings.ReplaceAll(who, ".", ""))
		vals.Set("disability", "yes")
		if res := anon.submitRegistration(slug, vals); res.StatusCode != http.StatusOK {
			t.Fatalf("register at %s: %d", slug, res.StatusCode)
		}
	}
	f.regB = e.registrations(f.actB)[0].ID

	if _, err := auth.NewStore(e.db, clock.System).CreateUser(context.Background(), 0, auth.NewUser{Email: "member@org-a.example",
		DisplayName: "Member A", Password: testPassword, Role: access.Partner, PartnerID: f.a}); err != nil {
		t.Fatal(err)
	}
	f.member = e.client()
	f.member.login("member@org-a.example")
	f.member.get("/account") // a page, for the CSRF cookie
	f.token = e.token("member@org-a.example")
	f.secrets = []string{"Org B Hidden", "b-secret@org-b.example", "Campaign B Hidden", "B-only planning note",
		"B-only checklist item", "B-only letters", "staff-only note", "Petition " + f.petBSlug}
	f.personal = []string{"Zolzaya", "hidden.participant"}
	return f
}

// bodies are plausible bodies of the routes that take one, so that a refusal
// comes from the scope, not from a body that could never pass.
var scopeBodies = map[string]string{
	"PATCH /api/v1/partners/:id":                     `{"website": "https://example.org"}`,
	"PUT /api/v1/partners/:id/partnership":           `{"status": "strengthened"}`,
	"PATCH /api/v1/campaigns/:id":                    `{"summary": {"en": "changed"}}`,
	"PUT /api/v1/campaigns/:id/partners/:partner_id": `{"stages": ["planning"]}`,
	"POST /api/v1/campaigns/:id/notes":               `{"stage": "planning", "text": "A writes here"}`,
	"POST /api/v1/campaigns/:id/checklist":           `{"stage": "planning", "text": "A adds"}`,
	"POST /api/v1/campaigns/:id/checklist/:item_id":  `{"done": true}`,
	"POST /api/v1/campaigns/:id/letters":             `{"count": 3}`,
	"PATCH /api/v1/petitions/:id":                    `{"goal": 5}`,
	"PATCH /api/v1/activities/:id":                   `{"capacity": 12}`,
	"POST /api/v1/registrations/:id/attendance":      `{"attended": true}`,
	"POST /api/v1/activities/:id/registrations":      `{}`,
	"POST /api/v1/petitions/:slug/signatures":        `{}`,
}

var routeParam = regexp.MustCompile(`:[a-z_]+`)

// fill puts B's objects into a route's parameters; ok is false for a route
// without parameters or whose parameters name nothing of B's.
func (f *scopeFixture) fill(path string) (string, bool) {
	if !strings.Contains(path, ":") {
		return path, false
	}
	ok := true
	out := routeParam.ReplaceAllStringFunc(path, func(p string) string {
		id := func(v int64) string { return strconv.FormatInt(v, 10) }
		switch {
		case p == ":partner_id":
			return id(f.b)
		case p == ":item_id":
			return id(f.itemB)
		case p == ":slug" && strings.HasPrefix(path, "/activities/"):
			return f.actBSlug
		case p == ":slug":
			return f.petBSlug
		case strings.Contains(path, "/partners/"):
			return id(f.b)
		case strings.Contains(path, "/campaigns/"):
			return id(f.campB)
		case strings.Contains(path, "/petitions/"):
			return id(f.petB)
		case strings.Contains(path, "/activities/"):
			return id(f.actB)
		case strings.Contains(path, "/registrations/"):
			return id(f.regB)
		}
		ok = false
		return p
	})
	return out, ok
}

// TestPartnerScopeOnEveryRoute walks every route of the portal as partner
// A's member, with B's objects in the path: every answer is a 404, on the
// routes A's role may use (the stores narrow to A's organisation) as on the
// others (authorize). Public pages answer, but no answer carries B's
// organisation, campaigns, notes or letters, nor anyone's name, email or
// sensitive attribute; lists and pages of one's own neither; and nothing is
// written.
func TestPartnerScopeOnEveryRoute(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := newScopeFixture(t, e)
		grants := []access.Grant{{Role: access.Partner, Scope: access.PartnerScope(f.a)}}
		before := scopeCounts(t, e)
		walked, reachable := 0, 0
		for route, perm := range e.srv.Permissions() {
			method, path, _ := strings.Cut(route, " ")
			filled, ok := f.fill(path)
			if strings.HasPrefix(path, "/static/") || (!ok && method != http.MethodGet) {
				continue
			}
			if !ok { // a list or a page of one's own: it answers, without B's
				walked++
				res := f.member.api(method, path, f.token, "")
				if !strings.HasPrefix(path, "/api/") {
					res = f.member.get(path)
				}
				f.checkLeaks(t, perm, method+" "+path, res)
				continue
			}
			walked++
			var res *response
			if strings.HasPrefix(path, "/api/") {
				body := scopeBodies[route]
				if body == "" && method != http.MethodGet {
					body = "{}"
				}
				res = f.member.api(method, filled, f.token, body)
			} else if method == http.MethodGet {
				res = f.member.get(filled)
			} else {
				res = f.member.postForm(filled, url.Values{"stage": {"planning"}, "text": {"A writes here"}, "done": {"yes"}})
			}
			// Public pages and forms of B's objects are public; only the
			// leaks below matter there.
			if perm != access.Public && res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s as partner A: %d, want 404", method, filled, res.StatusCode)
			}
			if perm != access.Public && e.srv.Access.Allowed(grants, perm) {
				reachable++
			}
			f.checkLeaks(t, perm, method+" "+filled, res)
		}
		if walked < 10 || reachable < 8 {
			t.Fatalf("only %d routes walked, %d of them in partner A's reach", walked, reachable)
		}
		if after := scopeCounts(t, e); after != before {
			t.Fatalf("partner A's requests changed the data: %v, then %v", before, after)
		}
	})
}

// checkLeaks fails t when res shows partner A what it must not read.
func (f *scopeFixture) checkLeaks(t *testing.T, perm access.Permission, req string, res *response) {
	t.Helper()
	leaks := f.personal
	if perm != access.Public {
		leaks = append(slices.Clone(leaks), f.secrets...)
	}
	for _, s := range leaks {
		if strings.Contains(res.Body, s) {
			t.Errorf("%s as partner A shows %q", req, s)
		}
	}
}

// scopeCounts is a fingerprint of what partner A's requests could change.
func scopeCounts(t *testing.T, e *env) string {
	t.Helper()
	var parts []string
	for _, q := range []string{
		"SELECT COUNT(*) FROM campaign_notes", "SELECT COUNT(*) FROM campaign_checklist WHERE done_at IS NOT NULL",
		"SELECT COUNT(*) FROM campaign_checklist", "SELECT COUNT(*) FROM letters", "SELECT COUNT(*) FROM campaign_partners",
		"SELECT COUNT(*) FROM partnership_changes", "SELECT COUNT(*) FROM registrations WHERE status = 'cancelled'",
		"SELECT COUNT(*) FROM registrations WHERE attended IS NOT NULL", "SELECT COUNT(*) FROM signatures",
		"SELECT COALESCE(SUM(goal), 0) FROM petitions", "SELECT COUNT(*) FROM partners WHERE website <> ''",
		"SELECT COALESCE(SUM(capacity), 0) FROM activities", "SELECT COUNT(*) FROM campaign_translations WHERE summary <> ''",
	} {
		var n int64
		if err := e.db.Raw(q).Scan(&n).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		parts = append(parts, strconv.FormatInt(n, 10))
	}
	return strings.Join(parts, " ")
}
