package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/registration"
)

var (
	confirmForm   = regexp.MustCompile(`<form method="(post|get)" action="([^"]+)" id="confirm-form">`)
	confirmHidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// confirmed opens the confirmation page at path, checks it says want (in
// its words, whole), and returns the method and address of its button with
// the values it sends, CSRF token aside.
func confirmed(t *testing.T, c *client, path, want string) (method, action string, vals url.Values) {
	t.Helper()
	res := c.get(path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", path, res.StatusCode)
	}
	body := html.UnescapeString(res.Body)
	if !strings.Contains(body, `<p class="alert" id="confirm-text">`+want+`</p>`) ||
		!strings.Contains(body, `class="button danger" id="confirm-submit"`) || !strings.Contains(body, `id="confirm-back"`) {
		t.Fatalf("%s does not ask %q: %s", path, want, body)
	}
	m := confirmForm.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no confirmation form", path)
	}
	vals = url.Values{}
	for _, h := range confirmHidden.FindAllStringSubmatch(body[strings.Index(body, m[0]):], -1) {
		if h[1] != "_csrf" {
			vals.Add(h[1], h[2])
		}
	}
	return m[1], m[2], vals
}

// TestConfirmBeforeUndoable: cancelling an activity, a registration (the
// staff's or one's own) and deleting a segment are links to a page that
// says what will happen, and changes nothing; its button does it.
func TestConfirmBeforeUndoable(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		camp := e.publishedCamp("summer", 5)
		e.register("summer", [2]string{"saraa@example.org", "rural"}, [2]string{"bat@example.org", "urban"})
		e.user("admin@example.org", access.Admin)
		e.user("saraa@example.org", access.Participant)
		e.user("dewi@example.org", access.Participant)
		admin, saraa, dewi := e.client(), e.client(), e.client()
		admin.login("admin@example.org")
		saraa.login("saraa@example.org")
		dewi.login("dewi@example.org")
		regs := e.registrations(camp.ID)
		mine, bats := regs[0], regs[1]
		live := func(id int64) bool {
			for _, r := range e.registrations(camp.ID) {
				if r.ID == id {
					return r.Status != string(registration.Cancelled)
				}
			}
			return false
		}

		// The participant's own registration.
		acct := saraa.get("/account")
		if !strings.Contains(acct.Body, `href="/account/registrations/`+itoa(mine.ID)+`/cancel"`) || strings.Contains(acct.Body, `action="/account/registrations/`) {
			t.Errorf("the account page cancels without asking")
		}
		method, action, vals := confirmed(t, saraa, "/account/registrations/"+itoa(mine.ID)+"/cancel",
			e.msg("en", "confirm_my_registration_cancel_text", "Title", "Camp summer"))
		if res := dewi.get("/account/registrations/" + itoa(mine.ID) + "/cancel"); res.StatusCode != http.StatusNotFound {
			t.Errorf("another participant's confirmation: %d", res.StatusCode)
		}
		if !live(mine.ID) {
			t.Fatal("asking cancelled")
		}
		if res := saraa.postForm(action, vals); method != "post" || res.StatusCode != http.StatusSeeOther || live(mine.ID) {
			t.Errorf("confirming: %s %s %d, live %v", method, action, res.StatusCode, live(mine.ID))
		}

		// The staff's cancellation of a registration names the person.
		page := admin.get("/manage/activities/" + itoa(camp.ID))
		if !strings.Contains(page.Body, `href="/manage/registrations/`+itoa(bats.ID)+`/cancel"`) {
			t.Errorf("the roster cancels without asking")
		}
		method, action, vals = confirmed(t, admin, "/manage/registrations/"+itoa(bats.ID)+"/cancel",
			e.msg("en", "confirm_registration_cancel_text", "Name", "bat Bold", "Title", "Camp summer"))
		if !live(bats.ID) {
			t.Fatal("asking cancelled")
		}
		if res := admin.postForm(action, vals); method != "post" || res.StatusCode != http.StatusSeeOther || live(bats.ID) {
			t.Errorf("confirming: %s %s %d", method, action, res.StatusCode)
		}

		// The activity.
		if !strings.Contains(page.Body, `href="/manage/activities/`+itoa(camp.ID)+`/cancel"`) || strings.Contains(page.Body, `name="status" value="cancelled"`) {
			t.Errorf("the activity's page cancels without asking")
		}
		method, action, vals = confirmed(t, admin, "/manage/activities/"+itoa(camp.ID)+"/cancel",
			e.msg("en", "confirm_activity_cancel_text", "Title", "Camp summer"))
		if a, _ := e.srv.Activities.Get(t.Context(), camp.ID); a.Status != activities.StatusPublished {
			t.Fatal("asking cancelled")
		}
		if res := admin.postForm(action, vals); method != "post" || res.StatusCode != http.StatusSeeOther || vals.Get("status") != activities.StatusCancelled {
			t.Errorf("confirming: %s %s %v %d", method, action, vals, res.StatusCode)
		}
		if a, _ := e.srv.Activities.Get(t.Context(), camp.ID); a.Status != activities.StatusCancelled {
			t.Errorf("confirmed, the activity is %s", a.Status)
		}

		// A segment.
		admin.get("/manage/people")
		if res := admin.postForm("/manage/segments", url.Values{"name": {"Rural"}, "query": {"locality=rural"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save a segment: %d", res.StatusCode)
		}
		var segID int64
		e.db.Raw("SELECT id FROM saved_segments WHERE name = 'Rural'").Scan(&segID)
		if people := admin.get("/manage/people"); !strings.Contains(people.Body, `href="/manage/segments/`+itoa(segID)+`/delete"`) {
			t.Errorf("the people page deletes a segment without asking")
		}
		method, action, vals = confirmed(t, admin, "/manage/segments/"+itoa(segID)+"/delete", e.msg("en", "confirm_segment_delete_text", "Name", "Rural"))
		if e.rows("saved_segments") != 1 {
			t.Fatal("asking deleted")
		}
		if res := admin.postForm(action, vals); method != "post" || res.StatusCode != http.StatusSeeOther || e.rows("saved_segments") != 0 {
			t.Errorf("confirming: %s %s %d, %d segments", method, action, res.StatusCode, e.rows("saved_segments"))
		}
	})
}

// TestConfirmSensitiveExport: the export with sensitive attributes is a
// link to a page that warns, for the national office only, whose button
// downloads the file of the same filters.
func TestConfirmSensitiveExport(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("summer", 5)
		e.register("summer", [2]string{"saraa@example.org", "rural"}, [2]string{"bat@example.org", "urban"})
		e.user("admin@example.org", access.Admin)
		e.user("coord@example.org", access.Coordinator)
		admin, coord := e.client(), e.client()
		admin.login("admin@example.org")
		coord.login("coord@example.org")
		list := html.UnescapeString(admin.get("/manage/people?locality=rural").Body)
		link := regexp.MustCompile(`href="([^"]+)" id="export-sensitive"`).FindStringSubmatch(list)
		if link == nil || !strings.HasPrefix(link[1], "/manage/people/export/sensitive?") {
			t.Fatalf("the sensitive export's link: %v", link)
		}
		if res := coord.get(link[1]); res.StatusCode != http.StatusForbidden {
			t.Errorf("a coordinator's confirmation: %d", res.StatusCode)
		}
		exports := func() int64 {
			var n int64
			e.db.Table("audit_log").Where("action LIKE ?", "%export%").Count(&n)
			return n
		}
		before := exports()
		method, action, vals := confirmed(t, admin, link[1], e.msg("en", "confirm_export_sensitive_text"))
		if exports() != before {
			t.Fatal("asking exported")
		}
		if method != "get" || action != "/manage/people/export" || vals.Get("sensitive") != "true" || vals.Get("locality") != "rural" {
			t.Fatalf("the download: %s %s %v", method, action, vals)
		}
		res := admin.get(action + "?" + vals.Encode())
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "disability") || !strings.Contains(res.Body, "saraa@example.org") ||
			strings.Contains(res.Body, "bat@example.org") || exports() != before+1 {
			t.Errorf("the download: %d, %d exports: %s", res.StatusCode, exports()-before, res.Body)
		}
	})
}
