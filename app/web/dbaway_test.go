package web

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/app/web/request"
)

// TestDatabaseRestartMidRush: PostgreSQL restarted in the middle of a rush
// (the public forms of a radio announcement, sent by the API, then the taps
// on their emails' links) answers no 500. Every request succeeds or answers
// 503 with Retry-After and, in its person's language, "try again in a
// moment"; tried again once the database is back, each of those succeeds.
// A restart between two requests fails none: the connections it ended are
// found out and their work done again on new ones. /readyz says not ready
// while the database is away, and ready once it is back, without a restart
// of the portal. Nothing is lost or doubled: each person is placed once,
// and the seat counters equal the registrations.
//
// The database is a server of the test's own (testdb.StartServer): the
// machine's shared one serves other tests and is never stopped.
func TestDatabaseRestartMidRush(t *testing.T) {
	server := testdb.StartServer(t)
	e := newEnv(t, testdb.Open(t, server.URL()))
	const people, capacity, clients = 600, 150, 50
	a := e.publishedCamp("radio", capacity, activities.QuotaInput{Attribute: "rural", Share: 0.2})
	r := &rush{t: t, e: e, base: e.listen(), server: server, clients: clients,
		http: &http.Client{
			Transport:     &http.Transport{MaxIdleConnsPerHost: clients},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Timeout:       30 * time.Second,
		}}
	langs := []string{"en", "fr", "id", "mn"}
	email := func(i int) string { return fmt.Sprintf("listener%d@example.org", i) }
	locality := func(i int) string { return []string{"urban", "rural", "urban", "urban"}[i%4] }

	// The forms, by the API: each answers 202, or 503 while the database
	// is away.
	apiPath := "/api/v1/activities/" + itoa(a.ID) + "/registrations"
	forms := r.phase("forms", http.StatusAccepted, 0, func(i int) *http.Request {
		req := r.request(http.MethodPost, apiPath, registrantJSON("Listener", email(i), locality(i), 2006, nil), "application/json")
		req.Header.Set("Accept-Language", langs[i%len(langs)])
		return req
	})
	forms.run(0, people, func() {
		forms.restartUnderLoad(func() {
			// The contract holds for the 503 too, and it speaks Mongolian.
			c := e.client()
			c.header.Set("Accept-Language", "mn")
			res := c.api(http.MethodPost, apiPath, "", registrantJSON("Naraa", "naraa@example.org", "urban", 2006, nil))
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
				apiErr(t, res).Message != e.msg("mn", "error_unreachable") {
				t.Errorf("a form while the database is away: %d, Retry-After %q: %s", res.StatusCode, res.Header.Get("Retry-After"), res.Body)
			}
		})
	})

	// The taps on the links of their emails: each places its person (a
	// 303 to their registration's page), or answers 503 while the
	// database is away; a tap tried again after a 503 may find that the
	// first one placed them after all (200, "confirmed before").
	e.deliver()
	links := make([]string, people)
	for i := range links {
		links[i] = e.lastMail(email(i)).Link(t, "/v/")
	}
	csrf := r.csrfToken("/activities/radio/register")
	tapBody := url.Values{"_csrf": {csrf}}.Encode()
	taps := r.phase("taps", http.StatusSeeOther, http.StatusOK, func(i int) *http.Request {
		req := r.request(http.MethodPost, links[i], tapBody, "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", langs[i%len(langs)])
		req.AddCookie(&http.Cookie{Name: "gotong_csrf", Value: csrf})
		return req
	})
	taps.run(0, people/2, func() {
		taps.restartUnderLoad(func() {
			// A page says it in the person's language too.
			c := e.client()
			c.header.Set("Accept-Language", "mn")
			page := c.get(links[people-1])
			if page.StatusCode != http.StatusServiceUnavailable || page.Header.Get("Retry-After") == "" ||
				pageLang(page.Body) != "mn" || !strings.Contains(page.Body, html.EscapeString(e.msg("mn", "error_unreachable"))) {
				t.Errorf("a link's page while the database is away: %d, Retry-After %q:\n%s", page.StatusCode, page.Header.Get("Retry-After"), page.Body)
			}
		})
	})
	blink := r.phase("taps after a restart between requests", http.StatusSeeOther, 0, taps.req)
	blink.run(people/2, people, blink.restartBetweenRequests)
	t.Logf("503 while the database was away: %d of %d forms, %d of %d taps; then %d taps after a restart between requests",
		forms.unavailable, people, taps.unavailable, people/2, people-people/2)

	var got struct {
		Live, Persons, Confirmed, SeatsOff int64
	}
	if err := e.db.Raw(`SELECT count(*) AS live, count(DISTINCT person_id) AS persons,
		count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
		(SELECT count(*) FROM activities a LEFT JOIN activity_seats s ON s.activity_id = a.id
		 WHERE (COALESCE(s.general, 0), COALESCE(s.rural, 0), COALESCE(s.disability, 0) + COALESCE(s.minority, 0), COALESCE(s.waitlisted, 0))
		    <> ((SELECT count(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed' AND r.pool = 'general'),
		        (SELECT count(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed' AND r.pool = 'rural'),
		        (SELECT count(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed' AND r.pool = 'reserved'),
		        (SELECT count(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'waitlisted'))) AS seats_off
		FROM registrations WHERE activity_id = ? AND status <> 'cancelled'`, a.ID).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if got.Live != people || got.Persons != people || got.Confirmed != capacity || got.SeatsOff != 0 {
		t.Fatalf("after %d taps: %d registrations of %d people, %d confirmed of %d seats, %d activities whose seat counters differ from their registrations",
			people, got.Live, got.Persons, got.Confirmed, capacity, got.SeatsOff)
	}
}

// rush sends many requests at once to a portal over its own PostgreSQL
// server, which it stops and starts again in the middle.
type rush struct {
	t       *testing.T
	e       *env
	base    string
	server  *testdb.Server
	http    *http.Client
	clients int
}

// answer is what a request of the rush was answered.
type answer struct {
	status int
	header http.Header
	body   string
	err    error
}

func (r *rush) request(method, path, body, contentType string) *http.Request {
	req, err := http.NewRequest(method, r.base+path, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

func (r *rush) send(req *http.Request) answer {
	res, err := r.http.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, header: res.Header, body: string(b), err: err}
}

// csrfToken is the CSRF token that the page at path gives.
func (r *rush) csrfToken(path string) string {
	r.t.Helper()
	res, err := r.http.Get(r.base + path)
	if err != nil {
		r.t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "gotong_csrf" {
			return c.Value
		}
	}
	r.t.Fatalf("%s set no CSRF cookie", path)
	return ""
}

// ready is the status of /readyz.
func (r *rush) ready() int {
	res := r.send(r.request(http.MethodGet, "/readyz", "", ""))
	if res.err != nil {
		r.t.Fatalf("/readyz: %v", res.err)
	}
	return res.status
}

// phase is one kind of request of the rush, each of which answers want,
// or 503 with Retry-After and the message in its language while the
// database is away. A request that answered 503 is sent again once the
// database is back, and must answer want, or again when that is not 0.
type phase struct {
	*rush
	name        string
	want, again int
	req         func(i int) *http.Request

	gate        sync.RWMutex  // each request holds it; taken whole to pause them all
	back        chan struct{} // closed once the database is back
	backOnce    sync.Once
	isBack      atomic.Bool
	mu          sync.Mutex
	wrong       []string
	unavailable int // the requests that answered 503
}

func (r *rush) phase(name string, want, again int, req func(i int) *http.Request) *phase {
	return &phase{rush: r, name: name, want: want, again: again, req: req, back: make(chan struct{})}
}

// run sends the requests from to to (made by p.req) from r.clients clients
// at once, and calls restart once a third of them are answered.
func (p *phase) run(from, to int, restart func()) {
	t := p.t
	t.Helper()
	texts := map[string]string{}
	for _, lang := range []string{"en", "fr", "id", "mn"} {
		texts[lang] = p.e.msg(lang, "error_unreachable")
	}
	fail := func(i int, what string, a answer) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.wrong = append(p.wrong, fmt.Sprintf("%s %d %s: %d %v %.300s", p.name, i, what, a.status, a.err, a.body))
	}
	// unavailableRight reports whether a 503 says so as it should: with
	// Retry-After, in the request's language, as an API error for the API.
	unavailableRight := func(rq *http.Request, a answer) bool {
		text := texts[rq.Header.Get("Accept-Language")]
		if a.header.Get("Retry-After") == "" {
			return false
		}
		if strings.HasPrefix(rq.URL.Path, "/api/") {
			var body request.APIError
			return json.Unmarshal([]byte(a.body), &body) == nil && body.Error.Code == "unavailable" && body.Error.Message == text
		}
		return strings.Contains(a.body, html.EscapeString(text))
	}
	var answered atomic.Int64
	third := make(chan struct{})
	tasks := make(chan int, to-from)
	for i := from; i < to; i++ {
		tasks <- i
	}
	close(tasks)
	var wg sync.WaitGroup
	for range p.clients {
		wg.Go(func() {
			for i := range tasks {
				p.gate.RLock()
				sentBack := p.isBack.Load()
				rq := p.req(i)
				a := p.send(rq)
				p.gate.RUnlock()
				if answered.Add(1) == int64((to-from)/3) {
					close(third)
				}
				switch {
				case a.err == nil && a.status == p.want:
					continue
				case a.err != nil || a.status != http.StatusServiceUnavailable:
					fail(i, "answered", a)
					continue
				case sentBack:
					fail(i, "answered 503 once the database was back", a)
					continue
				case !unavailableRight(rq, a):
					fail(i, "answered a 503 without Retry-After or the text in its language", a)
					continue
				}
				p.mu.Lock()
				p.unavailable++
				p.mu.Unlock()
				<-p.back
				if a := p.send(p.req(i)); a.err != nil || (a.status != p.want && (p.again == 0 || a.status != p.again)) {
					fail(i, "tried again once the database was back", a)
				}
			}
		})
	}
	// However this ends, the clients waiting for the database are let go
	// before the test goes on.
	defer wg.Wait()
	defer p.setBack()

	select {
	case <-third:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: a third of %d requests not answered in 20 s", p.name, to-from)
	}
	restart()
	p.setBack()
	wg.Wait()
	for _, w := range p.wrong {
		t.Error(w)
	}
	if st := p.ready(); st != http.StatusOK {
		t.Errorf("%s: /readyz answered %d at the end", p.name, st)
	}
}

// setBack lets go the clients that wait for the database.
func (p *phase) setBack() {
	p.isBack.Store(true)
	p.backOnce.Do(func() { close(p.back) })
}

// restartUnderLoad stops the database while requests come; they answer
// 503 until it is back. While it is down, /readyz must answer 503 and down
// runs; once it is started again /readyz must say ready.
func (p *phase) restartUnderLoad(down func()) {
	t := p.t
	t.Helper()
	p.server.Stop()
	if st := p.ready(); st != http.StatusServiceUnavailable {
		t.Errorf("%s: /readyz answered %d while the database was down", p.name, st)
	}
	down()
	p.server.Start()
	deadline := time.Now().Add(10 * time.Second)
	for p.ready() != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatalf("%s: /readyz not ready 10 s after the database started again", p.name)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.unavailable == 0 {
		t.Errorf("%s: no request answered 503: the database stopped when none came", p.name)
	}
}

// restartBetweenRequests restarts the database while no request runs:
// the portal's pooled connections are ended, and it finds out only when
// it uses them next. No request may fail for that.
func (p *phase) restartBetweenRequests() {
	p.gate.Lock()
	defer p.gate.Unlock()
	p.server.Stop()
	p.server.Start()
	p.setBack()
}
