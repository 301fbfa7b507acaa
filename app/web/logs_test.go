package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// logBuffer keeps what the server logs; the app may log from another
// goroutine than the test's.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The access log names the route, never the concrete path: no slug of an
// activity, no query string, nothing a person typed.
func TestAccessLogRoutePattern(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		var logs logBuffer
		e := newEnvLog(t, db, testConfig(), slog.New(slog.NewJSONHandler(&logs, nil)))
		e.publishedCamp("lgbti-safe-space", 10)
		c := e.client()
		if res := c.get("/activities/lgbti-safe-space/register?lang=en&email=saraa@example.org"); res.StatusCode != http.StatusOK {
			t.Fatalf("form: %d", res.StatusCode)
		}
		if res := c.postForm("/activities/lgbti-safe-space/register", registrationForm("saraa@example.org", "rural")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("register: %d", res.StatusCode)
		}
		out := logs.String()
		var post map[string]any
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			if rec["msg"] == "request" && rec["method"] == http.MethodPost {
				post = rec
			}
		}
		if post == nil {
			t.Fatalf("no access log line for the POST: %s", out)
		}
		if post["route"] != "/activities/:slug/register" || post["status"] != float64(http.StatusSeeOther) || post["request_id"] == "" || post["ip"] == nil {
			t.Errorf("access log line: %v", post)
		}
		for _, leak := range []string{"lgbti-safe-space", "saraa", "example.org", "lang=", "email="} {
			if strings.Contains(out, leak) {
				t.Errorf("the log holds %q: %s", leak, out)
			}
		}
	})
}

// The access log names the routes of private links, never their tokens:
// whoever reads the log could otherwise confirm, manage or answer for
// someone else.
func TestAccessLogKeepsLinksPrivate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		var logs logBuffer
		e := newEnvLog(t, db, testConfig(), slog.New(slog.NewJSONHandler(&logs, nil)))
		e.publishedCamp("camp", 10)
		c := e.client()
		form := youngForm("tuya@example.org")
		form.Set("guardian_name", "Dorj")
		form.Set("guardian_email", "dorj@example.org")
		c.submitRegistration("camp", form)
		v := e.mailbox().To("tuya@example.org")[0].Link(t, "/v/")
		r := e.lastMail("tuya@example.org").Link(t, "/r/")
		g := e.lastMail("dorj@example.org").Link(t, "/g/")
		c.get(g)
		if res := c.postForm(g, url.Values{"answer": {"give"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("give: %d", res.StatusCode)
		}
		if res := c.get(r + ".ics"); res.StatusCode != http.StatusOK {
			t.Fatalf("calendar: %d", res.StatusCode)
		}
		if res := c.postForm(r+"/cancel", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: %d", res.StatusCode)
		}
		out := logs.String()
		for _, route := range []string{"/v/:token", "/r/:token", "/r/:token.ics", "/r/:token/cancel", "/g/:token"} {
			if !strings.Contains(out, `"route":"`+route+`"`) {
				t.Errorf("no access log line names %s", route)
			}
		}
		for _, link := range []string{v, r, g} {
			if token := link[len("/v/"):]; strings.Contains(out, token) {
				t.Errorf("the log holds the token of %s", link[:3])
			}
		}
	})
}

// The periodic sweep purges mail sent longer ago than GOTONG_OUTBOX_KEEP_DAYS.
func TestSweepPurgesSentMail(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		for _, s := range []string{"31 days", "29 days"} {
			if err := outbox.Enqueue(e.db, outbox.Message{Kind: "registration.confirmed", ToAddress: "a@example.org", Subject: s, Body: "b"}); err != nil {
				t.Fatal(err)
			}
		}
		const day = 24 * time.Hour
		e.db.Model(&outbox.Message{}).Where("subject = ?", "31 days").Update("sent_at", time.Now().UTC().Add(-31*day))
		e.db.Model(&outbox.Message{}).Where("subject = ?", "29 days").Update("sent_at", time.Now().UTC().Add(-29*day))
		e.srv.Sweep(context.Background())
		var left []string
		e.db.Model(&outbox.Message{}).Pluck("subject", &left)
		if len(left) != 1 || left[0] != "29 days" {
			t.Fatalf("after the sweep: %v", left)
		}
	})
}
