package mailings_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// linkIn returns the token of the first link of mail under prefix.
func linkIn(t *testing.T, m mailtest.Mail, prefix string) string {
	t.Helper()
	l := m.Link(t, prefix)
	return strings.TrimPrefix(l[strings.Index(l, prefix):], prefix)
}

// TestUnsubscribe: the link of a message withdraws its person's consent to
// news, in their history with its source, once; the page speaks their
// language; a link made up finds nothing.
func TestUnsubscribe(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		p := f.person("Saraa", "saraa@example.org", "mn", "rural", true)
		m := f.mailing("")
		if _, err := f.svc.Send(ctx, 0, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		box := mailtest.Start(t)
		w, _ := f.worker(box, "a")
		f.drain(w)
		token := linkIn(t, box.To("saraa@example.org")[0], "/u/")
		if u, err := f.svc.Unsubscribing(ctx, token); err != nil || u.Locale != "mn" || !u.Standing {
			t.Fatalf("the page before: %+v, %v", u, err)
		}
		for range 2 {
			if u, err := f.svc.Unsubscribe(ctx, token); err != nil || u.Locale != "mn" {
				t.Fatalf("unsubscribe: %+v, %v", u, err)
			}
		}
		got, err := f.people.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NewsAt != nil || people.News(got.Consents) {
			t.Error("consent to news still stands")
		}
		var withdrawn int
		for _, c := range got.Consents {
			if c.Purpose == people.ConsentToNews && !c.Given {
				withdrawn++
				if c.Source != people.ConsentUnsubscribe {
					t.Errorf("withdrawn with source %q", c.Source)
				}
			}
		}
		if withdrawn != 1 {
			t.Errorf("%d withdrawals in the history, want 1", withdrawn)
		}
		if c := f.counts(m.ID); c.Unsubscribed != 1 {
			t.Errorf("counts %+v", c)
		}
		if u, err := f.svc.Unsubscribing(ctx, token); err != nil || u.Standing {
			t.Errorf("the page after: %+v, %v", u, err)
		}
		forged := []byte(token)
		forged[3] ^= 1
		for _, bad := range []string{string(forged), "", "x", strings.Repeat("A", 4000)} {
			if _, err := f.svc.Unsubscribe(ctx, bad); !errors.Is(err, apperr.ErrNotFound) && !isKind(err, apperr.NotFound) {
				t.Errorf("%.20q: %v", bad, err)
			}
		}
		// A second mailing skips them.
		again := f.mailing("")
		if _, err := f.svc.Send(ctx, 0, again.ID, nil); !isKind(err, apperr.Conflict) {
			t.Errorf("a mailing to nobody left: %v", err)
		}
	})
}

// TestClicksCountedWithoutRecipients: two recipients of one language get
// the same counted link, which names no one; a visit counts once for its
// language and leads to the link; a made-up one leads nowhere.
func TestClicksCountedWithoutRecipients(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.person("Saraa", "saraa@example.org", "mn", "rural", true)
		f.person("Bat", "bat@example.org", "mn", "rural", true)
		f.person("Ayu", "ayu@example.org", "en", "rural", true)
		m := f.mailing("")
		if _, err := f.svc.Send(ctx, 0, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		box := mailtest.Start(t)
		w, _ := f.worker(box, "a")
		f.drain(w)
		a, b := linkIn(t, box.To("saraa@example.org")[0], "/c/"), linkIn(t, box.To("bat@example.org")[0], "/c/")
		en := linkIn(t, box.To("ayu@example.org")[0], "/c/")
		if a != b || a == en {
			t.Fatalf("links %q, %q (mn) and %q (en)", a, b, en)
		}
		for _, tok := range []string{a, a, en} {
			if url, err := f.svc.Follow(ctx, tok, true); err != nil || url != "https://example.org/camp" {
				t.Fatalf("follow: %q, %v", url, err)
			}
		}
		if _, err := f.svc.Follow(ctx, a, false); err != nil { // a HEAD: leads on, counts nothing
			t.Fatal(err)
		}
		links, err := f.svc.Links(ctx, m.ID)
		if err != nil || len(links) != 1 || links[0].Total != 3 || links[0].ByLocale["mn"] != 2 || links[0].ByLocale["en"] != 1 {
			t.Fatalf("links %+v, %v", links, err)
		}
		if c := f.counts(m.ID); c.Clicks != 3 || c.ClickRate() != 1 {
			t.Errorf("counts %+v", c)
		}
		if _, err := f.svc.Follow(ctx, a[:len(a)-1]+"A", true); err == nil {
			t.Error("a made-up link was followed")
		}
		var cols []string
		for _, table := range []string{"mailing_clicks", "mailing_links"} {
			types, err := db.Migrator().ColumnTypes(table)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range types {
				cols = append(cols, c.Name())
			}
		}
		for _, c := range cols {
			if strings.Contains(c, "person") || strings.Contains(c, "recipient") {
				t.Errorf("clicks are kept beside %s", c)
			}
		}
	})
}

// TestTwoNodesSendOnce: workers on two nodes running at once send each
// message once, and one mailing at a time.
func TestTwoNodesSendOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		const n = 60
		for i := range n {
			f.person("P", "p"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.org", "en", "rural", true)
		}
		for range 2 {
			if _, err := f.svc.Send(ctx, 0, f.mailing("").ID, nil); err != nil {
				t.Fatal(err)
			}
		}
		box := mailtest.Start(t)
		var wg sync.WaitGroup
		for _, node := range []string{"a", "b"} {
			w, _ := f.worker(box, node)
			w.Rate = 20
			wg.Add(1)
			go func() {
				defer wg.Done()
				for idle := 0; idle < 3; {
					sent, _, err := w.RunOnce(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if sent == 0 {
						idle++
					} else {
						idle = 0
					}
				}
			}()
		}
		wg.Wait()
		got := byAddress(box)
		if len(got) != n {
			t.Fatalf("%d addresses reached, want %d", len(got), n)
		}
		for addr, k := range got {
			if k != 2 {
				t.Errorf("%s got %d messages, want 2 (one per mailing)", addr, k)
			}
		}
		list, err := f.svc.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list {
			if m.Status != mailings.StatusSent || m.Counts.Sent != n {
				t.Errorf("mailing %d: %s, %+v", m.ID, m.Status, m.Counts)
			}
		}
	})
}
