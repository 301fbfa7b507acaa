package mailings_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/segments"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/locales"
	"gorm.io/gorm"
)

// TestMain drops the template database the tests copy theirs from.
func TestMain(m *testing.M) { testdb.Main(m) }

var (
	secret     = keys.Derive([]byte("0123456789abcdef0123456789abcdef"))
	catalog    *i18n.Catalog
	catalogErr error
	loadOnce   sync.Once
	discard    = slog.New(slog.NewTextHandler(io.Discard, nil))
)

const base = "https://gotong.example.org"

// movable is a clock a test moves forward.
type movable struct {
	mu sync.Mutex
	t  time.Time
}

func (m *movable) now() time.Time { m.mu.Lock(); defer m.mu.Unlock(); return m.t }
func (m *movable) add(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = m.t.Add(d)
}

// fixture is a mailings service over a test database, with people to
// reach.
type fixture struct {
	t      *testing.T
	db     *gorm.DB
	clock  *movable
	svc    *mailings.Service
	people *people.Store
	segs   *segments.Store
}

func newFixture(t *testing.T, db *gorm.DB) *fixture {
	t.Helper()
	loadOnce.Do(func() { catalog, catalogErr = i18n.Load(locales.FS, "en", discard) })
	if catalogErr != nil {
		t.Fatal(catalogErr)
	}
	sealer, err := people.NewSealer(secret.Seal)
	if err != nil {
		t.Fatal(err)
	}
	c := &movable{t: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)}
	now := clock.Clock(c.now)
	segs := segments.NewStore(db, discard, now)
	return &fixture{t: t, db: db, clock: c, segs: segs, people: people.NewStore(db, sealer, now),
		svc: mailings.NewService(db, segs, catalog, base, secret.Mailing, now)}
}

// person adds someone; news says whether they consent to news.
func (f *fixture) person(given, email, locale, locality string, news bool) *people.Profile {
	f.t.Helper()
	p, err := f.people.Create(context.Background(), 0, people.Input{GivenName: given, FamilyName: "Test", Email: email,
		Locale: locale, Locality: locality}, true, news)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// mailing creates a draft to query with an English and a Mongolian text.
func (f *fixture) mailing(query string) *mailings.Mailing {
	f.t.Helper()
	m, err := f.svc.Create(context.Background(), 0, mailings.Input{Name: "Camp news", Query: query,
		Subject: map[string]string{"en": "Camp for {{given_name}}", "mn": "Зуслан {{given_name}}"},
		Body: map[string]string{"en": "Hello {{given_name}}, see https://example.org/camp.",
			"mn": "Сайн уу {{given_name}}, https://example.org/camp хаягаар орно уу."}})
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

// worker sends to box with sessions, as gotong serve does.
func (f *fixture) worker(box *mailtest.Server, node string) (*mailings.Worker, *bytes.Buffer) {
	f.t.Helper()
	sender, err := outbox.NewSMTPSender(box.URL())
	if err != nil {
		f.t.Fatal(err)
	}
	var log bytes.Buffer
	w := &mailings.Worker{Service: f.svc, Sender: sender, Node: node, Rate: 10_000,
		Log: slog.New(slog.NewTextHandler(&log, nil))}
	f.t.Cleanup(w.Close)
	return w, &log
}

// drain runs w until a round sends nothing twice in a row.
func (f *fixture) drain(w *mailings.Worker) (sent int) {
	f.t.Helper()
	for idle := 0; idle < 2; {
		n, failed, err := w.RunOnce(context.Background())
		if err != nil || failed > 0 {
			f.t.Fatalf("round: %d sent, %d failed: %v", n, failed, err)
		}
		sent += n
		if n == 0 {
			idle++
		} else {
			idle = 0
		}
	}
	return sent
}

func (f *fixture) counts(id int64) mailings.Counts {
	f.t.Helper()
	c, err := f.svc.Counts(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) status(id int64) string {
	f.t.Helper()
	m, err := f.svc.Get(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return m.Status
}

// byAddress counts the messages box received for each address.
func byAddress(box *mailtest.Server) map[string]int {
	out := map[string]int{}
	for _, m := range box.Messages() {
		out[strings.ToLower(m.To)]++
	}
	return out
}
