package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/config"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/app/web/request"
	"github.com/gotong/gotong/locales"
	"github.com/gotong/gotong/views"
	"gorm.io/gorm"
)

// TestMain drops the template database the tests copy theirs from.
func TestMain(m *testing.M) { testdb.Main(m) }

// testPassword is the password of every user the tests create.
const testPassword = "correct-horse-battery"

// env is one test's running portal over a real database.
type env struct {
	t    testing.TB
	db   *gorm.DB
	app  *fiber.App
	srv  *Server
	mail *mailtest.Server // started by mailbox
}

func testConfig() config.Config {
	return config.Config{
		Addr:        "127.0.0.1:0",
		DefaultLang: "en",
		BaseURL:     "http://127.0.0.1",
		SecretKey:   []byte("0123456789abcdef0123456789abcdef"),
		MinCell:     5,
		// What config.Load gives when the variable is unset.
		OutboxKeepDays: 30,
		GuardianAge:    18,
		GuardianDays:   7,
		Timezone:       "UTC",
	}
}

func newEnv(t testing.TB, db *gorm.DB) *env {
	t.Helper()
	return newEnvConfig(t, db, testConfig())
}

func newEnvConfig(t testing.TB, db *gorm.DB, cfg config.Config) *env {
	t.Helper()
	catalog, engine := parsed(t, cfg.DefaultLang)
	a, err := app.Assemble(cfg, db, discard, catalog)
	if err != nil {
		t.Fatal(err)
	}
	fapp, srv, err := newServer(a, engine)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, app: fapp, srv: srv}
}

// discard is the logger of the servers of newEnv and newEnvConfig.
var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// Parsing the views and the catalogue is most of the cost of a server: the
// servers of newEnv and newEnvConfig share them, parsed once per language.
var (
	parsedMu       sync.Mutex
	parsedViews    *pageViews
	parsedCatalogs = map[string]*i18n.Catalog{}
)

// parsed returns the shared views, and the catalogue whose default
// language is def.
func parsed(t testing.TB, def string) (*i18n.Catalog, *pageViews) {
	t.Helper()
	parsedMu.Lock()
	defer parsedMu.Unlock()
	if parsedViews == nil {
		v := newViews(views.FS)
		if err := v.Load(); err != nil {
			t.Fatal(err)
		}
		parsedViews = v
	}
	c, ok := parsedCatalogs[def]
	if !ok {
		var err error
		if c, err = i18n.Load(locales.FS, def, discard); err != nil {
			t.Fatal(err)
		}
		parsedCatalogs[def] = c
	}
	return c, parsedViews
}

// newEnvLog builds the portal with log as the server's logger.
func newEnvLog(t *testing.T, db *gorm.DB, cfg config.Config, log *slog.Logger) *env {
	t.Helper()
	a, err := app.New(cfg, db, log)
	if err != nil {
		t.Fatal(err)
	}
	fapp, srv, err := New(a)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, app: fapp, srv: srv}
}

// eachEnv runs fn against a portal on every test database.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) { fn(t, newEnv(t, db)) })
}

// user creates a user with role (partner users belong to the first
// organisation, made when there is none).
func (e *env) user(email, role string) *auth.User {
	e.t.Helper()
	n := auth.NewUser{Email: email, DisplayName: strings.Split(email, "@")[0], Password: testPassword, Role: role}
	if role == access.Partner {
		n.PartnerID = e.firstPartner()
	}
	// Cheap hashes: a sign-in checks a password with the costs its hash
	// records, so the server's store, at production's, signs these in fast.
	u, err := auth.NewStoreWithParams(e.db, clock.System, auth.TestParams()).CreateUser(context.Background(), 0, n)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// firstPartner is the id of the first partner organisation, made when there
// is none.
func (e *env) firstPartner() int64 {
	e.t.Helper()
	var ids []int64
	if err := e.db.Model(&partners.Partner{}).Order("id").Limit(1).Pluck("id", &ids).Error; err != nil {
		e.t.Fatal(err)
	}
	if len(ids) > 0 {
		return ids[0]
	}
	name, kind := "First youth council", partners.KindYouthCouncil
	p, err := partners.NewStore(e.db, clock.System).Create(context.Background(), access.Viewer{Staff: true}, partners.Input{Name: &name, Kind: &kind})
	if err != nil {
		e.t.Fatal(err)
	}
	return p.ID
}

// token creates an API token for the user with email.
func (e *env) token(email string) string {
	e.t.Helper()
	tok, _, err := auth.NewStore(e.db, clock.System).CreateToken(context.Background(), email, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// testBodyLimit is the general body limit of a server of lowerBodyLimit.
const testBodyLimit = 16 << 10

// lowerBodyLimit makes testBodyLimit the limit of every request body that
// the routes of largeBodies do not raise, so that a test proves a body over
// it taken or refused without sending megabytes. It must come before the
// server's first request. TestProductionBodyLimits covers BodyLimit itself.
func (e *env) lowerBodyLimit() {
	e.app.Server().MaxRequestBodySize = testBodyLimit
}

// listen serves the app on a loopback port for a real client (a browser)
// and returns its base URL.
func (e *env) listen() string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = Serve(ctx, e.app, ln, 5*time.Second); close(done) }()
	e.t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

// mailbox is the SMTP server that deliver sends the portal's mail to,
// started on first use and stopped when the test ends.
func (e *env) mailbox() *mailtest.Server {
	if e.mail == nil {
		e.mail = mailtest.Start(e.t)
	}
	return e.mail
}

// deliver sends every message due in the outbox now, with the worker and
// SMTP sender that gotong serve runs, to e.mailbox(), and returns once none
// is left due. A message the worker cannot send fails the test. Links in
// the mail begin with testConfig().BaseURL: a test follows one by its path,
// m.Link(t, "/activities/"), with its client or after the base of listen.
func (e *env) deliver() {
	e.t.Helper()
	sender, err := outbox.NewSMTPSender(e.mailbox().URL())
	if err != nil {
		e.t.Fatal(err)
	}
	var log bytes.Buffer
	w := &outbox.Worker{DB: e.db, Sender: sender, Log: slog.New(slog.NewTextHandler(&log, nil))}
	for {
		sent, failed, err := w.RunOnce(context.Background())
		if err != nil || failed > 0 {
			e.t.Fatalf("deliver: %d sent, %d failed: %v\n%s", sent, failed, err, log.String())
		}
		if sent == 0 {
			return
		}
	}
}

// client is a cookie-keeping client of the in-memory app.
type client struct {
	e       *env
	cookies map[string]string
	header  http.Header // sent with every request
}

func (e *env) client() *client {
	return &client{e: e, cookies: map[string]string{}, header: http.Header{}}
}

// response is a read response.
type response struct {
	*http.Response
	Body string
}

func (c *client) do(req *http.Request) *response {
	c.e.t.Helper()
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	sent := requestBody(req)
	res, err := c.e.app.Test(req, -1)
	if err != nil {
		c.e.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	c.e.checkContract(req, sent, res, b)
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return &response{Response: res, Body: string(b)}
}

func (c *client) get(path string) *response {
	return c.do(httpRequest(http.MethodGet, path, "", ""))
}

// postForm posts form values as a browser would; the CSRF token of the
// last page is added unless the values hold a _csrf already.
func (c *client) postForm(path string, vals url.Values) *response {
	if _, ok := vals["_csrf"]; !ok {
		vals.Set("_csrf", c.cookies["gotong_csrf"])
	}
	return c.postRaw(path, vals)
}

// submitRegistration sends the public registration form of slug and, once
// it is taken, confirms it as its person would: the link of the email that
// reaches the form's address, opened, and its button tapped. The result is
// the page the tap leads to (the registration's own, 200), or the form's
// refusal. A signed-in participant placed at once goes to their page alike.
func (c *client) submitRegistration(slug string, vals url.Values) *response {
	c.e.t.Helper()
	if c.cookies["gotong_csrf"] == "" {
		c.get("/activities/" + slug + "/register")
	}
	res := c.postForm("/activities/"+slug+"/register", vals)
	if res.StatusCode != http.StatusSeeOther {
		return res
	}
	switch loc := res.Header.Get("Location"); {
	case strings.HasPrefix(loc, "/r/"):
		return c.get(loc)
	case loc != "/activities/"+slug+"/check-email":
		c.e.t.Fatalf("registration redirected to %q", loc)
	}
	return c.confirmByMail(vals.Get("email"))
}

// confirmByMail opens the link of the last email to addr and taps its
// button, and returns the page the tap leads to.
func (c *client) confirmByMail(addr string) *response {
	c.e.t.Helper()
	link := c.e.lastMail(addr).Link(c.e.t, "/v/")
	if res := c.get(link); res.StatusCode != http.StatusOK {
		c.e.t.Fatalf("the email's link %s: %d", link, res.StatusCode)
	}
	res := c.postForm(link, url.Values{})
	if res.StatusCode == http.StatusSeeOther {
		return c.get(res.Header.Get("Location"))
	}
	return res
}

// rows is the number of rows of table.
func (e *env) rows(table string) int64 {
	e.t.Helper()
	var n int64
	if err := e.db.Table(table).Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// lastMail delivers the outbox and returns the last message that reached
// addr, failing the test when none did.
func (e *env) lastMail(addr string) mailtest.Mail {
	e.t.Helper()
	e.deliver()
	got := e.mailbox().To(addr)
	if len(got) == 0 {
		e.t.Fatalf("no mail reached %s", addr)
	}
	return got[len(got)-1]
}

// postRaw posts the form values exactly as given.
func (c *client) postRaw(path string, vals url.Values) *response {
	return c.do(httpRequest(http.MethodPost, path, vals.Encode(), fiber.MIMEApplicationForm))
}

// api sends a JSON API request with an optional bearer token.
func (c *client) api(method, path, token, body string) *response {
	req := httpRequest(method, path, body, fiber.MIMEApplicationJSON)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return c.do(req)
}

func httpRequest(method, path, body, contentType string) *http.Request {
	req, _ := http.NewRequest(method, "http://gotong.test"+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// login signs in through the real form and fails the test otherwise.
func (c *client) login(email string) {
	c.e.t.Helper()
	c.get("/login")
	res := c.postForm("/login", url.Values{"email": {email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		c.e.t.Fatalf("login %s: status %d", email, res.StatusCode)
	}
}

// apiErr decodes an API error body and checks its shape.
func apiErr(t *testing.T, r *response) request.APIErrorBody {
	t.Helper()
	var body request.APIError
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("error body %q is not API.md's shape: %v", r.Body, err)
	}
	if body.Error.Code == "" || body.Error.Message == "" {
		t.Fatalf("error body %q lacks code or message", r.Body)
	}
	return body.Error
}

var htmlLang = regexp.MustCompile(`<html lang="([a-z]+)">`)

// pageLang returns the lang attribute of a page.
func pageLang(body string) string {
	m := htmlLang.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}
