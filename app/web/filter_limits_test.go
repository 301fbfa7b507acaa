package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/segments"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/app/web/api"
)

// tagQuery is a filter of n tags.
func tagQuery(n int) string {
	v := url.Values{}
	for i := range n {
		v.Add("tag", "t"+strconv.Itoa(i))
	}
	return v.Encode()
}

// TestPeopleFilterTagCap: a filter of more than 20 tags is a 422 in the
// user's language on every path that reads one (the API's list, count and
// export, the people page and its export, saving a segment through the API
// or the form), and saving it writes nothing; 20 tags are fine.
func TestPeopleFilterTagCap(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.addPerson(people.Input{GivenName: "Saraa"})
		staff, tok := apiStaff(e)
		page := e.client()
		page.login("coord@example.org")
		over, at := tagQuery(segments.MaxTags+1), tagQuery(segments.MaxTags)
		want := e.msg("fr", "error_filter_tags_max", "Max", segments.MaxTags)
		for _, path := range []string{"/api/v1/people", "/api/v1/people/count", "/api/v1/people/export"} {
			res := staff.api("GET", path+"?lang=fr&"+over, tok, "")
			if body := apiErr(t, res); res.StatusCode != http.StatusUnprocessableEntity || body.Fields["tag"] != want {
				t.Errorf("%s with %d tags: %d %+v", path, segments.MaxTags+1, res.StatusCode, body)
			}
			if res := staff.api("GET", path+"?"+at, tok, ""); res.StatusCode != http.StatusOK {
				t.Errorf("%s with %d tags: %d", path, segments.MaxTags, res.StatusCode)
			}
		}
		body, _ := json.Marshal(api.SegmentBody{Name: "Too many", Query: over})
		res := staff.api("POST", "/api/v1/segments?lang=fr", tok, string(body))
		if b := apiErr(t, res); res.StatusCode != http.StatusUnprocessableEntity || b.Fields["query"] != want {
			t.Errorf("saving %d tags by the API: %d %+v", segments.MaxTags+1, res.StatusCode, b)
		}
		res = page.get("/manage/people?lang=fr&" + over)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), want) ||
			!strings.Contains(res.Body, `id="e-tag"`) || strings.Contains(res.Body, `id="people-list"`) {
			t.Errorf("the people page with %d tags: %d", segments.MaxTags+1, res.StatusCode)
		}
		if res := page.get("/manage/people?" + at); res.StatusCode != http.StatusOK {
			t.Errorf("the people page with %d tags: %d", segments.MaxTags, res.StatusCode)
		}
		// The page links only to the export of a filter that reads.
		if res := page.get("/manage/people/export?lang=fr&" + over); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(html.UnescapeString(res.Body), e.msg("fr", "error_validation")) {
			t.Errorf("the page's export with %d tags: %d", segments.MaxTags+1, res.StatusCode)
		}
		res = page.postForm("/manage/segments?lang=fr", url.Values{"name": {"Too many"}, "query": {over}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), want) {
			t.Errorf("saving %d tags by the form: %d", segments.MaxTags+1, res.StatusCode)
		}
		var n int64
		if err := e.db.Model(&segments.Saved{}).Count(&n).Error; err != nil || n != 0 {
			t.Fatalf("refused segments were written: %d (%v)", n, err)
		}
	})
}

// TestSavedSegmentUnknownCount: a segment stored with 2,000 tags, as a
// database from before the cap holds it, leaves the people page and the
// segments API answering, its count unknown ("unknown" on the page, null in
// the API); so does a count that fails.
func TestSavedSegmentUnknownCount(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.addPerson(people.Input{GivenName: "Saraa"})
		now := time.Now().UTC()
		old := segments.Saved{Name: "Old", NameKey: "old", Query: tagQuery(2000), CreatedAt: now, UpdatedAt: now}
		if err := e.db.Create(&old).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := e.srv.Segments.Save(context.Background(), 0, "Everyone", ""); err != nil {
			t.Fatal(err)
		}
		staff, tok := apiStaff(e)
		counts := func() map[string]any {
			t.Helper()
			var list struct {
				Items []struct {
					Name  string
					Count json.RawMessage
				}
			}
			apiJSON(t, staff.api("GET", "/api/v1/segments", tok, ""), http.StatusOK, &list)
			out := map[string]any{}
			for _, x := range list.Items {
				out[x.Name] = string(x.Count)
			}
			return out
		}
		if got := counts(); got["Old"] != "null" || got["Everyone"] != "1" {
			t.Fatalf("counts %v", got)
		}
		page := e.client()
		page.login("coord@example.org")
		res := page.get("/manage/people?lang=fr")
		li := regexp.MustCompile(`<li id="segment-` + strconv.FormatInt(old.ID, 10) + `">.*?</li>`).FindString(res.Body)
		if res.StatusCode != http.StatusOK || !strings.Contains(html.UnescapeString(li), e.msg("fr", "segment_unreadable")) ||
			strings.Contains(li, `href="/manage/people`) {
			t.Fatalf("the people page: %d, the old segment shown as %q", res.StatusCode, li)
		}
		if err := e.db.Exec("ALTER TABLE people RENAME TO people_gone").Error; err != nil {
			t.Fatal(err)
		}
		if got := counts(); got["Old"] != "null" || got["Everyone"] != "null" {
			t.Fatalf("counts when counting fails: %v", got)
		}
	})
}

// TestPeopleTimeout: on PostgreSQL a count over the statement timeout (a
// short one in the URL) and a request over its deadline are both answered
// 503 in the user's language, showing nothing of the cause; the statement
// of the request over its deadline is gone from the server.
func TestPeopleTimeout(t *testing.T) {
	if !slices.Contains(testdb.Dialects(), database.Postgres) {
		t.Skip("needs PostgreSQL; set TEST_DATABASE_URL")
	}
	for _, tc := range []struct {
		name     string
		param    string // the app's statement_timeout
		deadline time.Duration
	}{
		{"statement timeout", "1s", RequestTimeout},
		{"request deadline", "", 500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := testdb.URL(t, database.Postgres)
			db := testdb.Open(t, u)
			if tc.param != "" {
				db = testdb.Connect(t, testdb.WithParam(t, u, "statement_timeout", tc.param))
			}
			e := newEnv(t, db)
			e.addPerson(people.Input{GivenName: "Saraa"})
			staff, tok := apiStaff(e)
			page := e.client()
			page.login("coord@example.org")
			e.srv.requestTimeout = tc.deadline
			release := testdb.Block(t, db, "people")
			want := e.msg("fr", "error_timeout")
			var count, list *response
			done := make(chan struct{})
			go func() {
				defer close(done)
				count = staff.api("GET", "/api/v1/people/count?lang=fr", tok, "")
				list = page.get("/manage/people?lang=fr")
			}()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				release()
				<-done
				t.Fatal("the requests waited for the lock")
			}
			if body := apiErr(t, count); count.StatusCode != http.StatusServiceUnavailable || body.Code != "unavailable" || body.Message != want {
				t.Errorf("the count: %d %s", count.StatusCode, count.Body)
			}
			if list.StatusCode != http.StatusServiceUnavailable || !strings.Contains(html.UnescapeString(list.Body), want) ||
				strings.Contains(list.Body, "57014") || strings.Contains(list.Body, "canceling") {
				t.Errorf("the people page: %d", list.StatusCode)
			}
			for end := time.Now().Add(2 * time.Second); testdb.Running(t, db, `FROM "people"`) > 0; {
				if time.Now().After(end) {
					t.Fatal("the stopped statements still run on the server")
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
