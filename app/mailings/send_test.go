package mailings_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// TestOnlyConsentingInTheirLanguage: a mailing reaches the people of its
// query who have an email and consent to news, and nobody else; each reads
// it in their language (or the default), greeted by their given name, with
// the links counted and a footer to unsubscribe.
func TestOnlyConsentingInTheirLanguage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.person("Saraa", "saraa@example.org", "mn", "rural", true)
		f.person("Ayu", "ayu@example.org", "id", "rural", true) // no Indonesian text: English
		f.person("Bold", "bold@example.org", "mn", "rural", false)
		f.person("Claire", "claire@example.org", "fr", "urban", true) // not in the query
		f.person("Nomin", "", "mn", "rural", true)                    // no email
		m := f.mailing("locality=rural")
		if n, err := f.svc.Reach(ctx, m); err != nil || n != 2 {
			t.Fatalf("reach %d (%v), want 2", n, err)
		}
		if _, err := f.svc.Send(ctx, 0, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		box := mailtest.Start(t)
		w, _ := f.worker(box, "a")
		if sent := f.drain(w); sent != 2 {
			t.Fatalf("sent %d, want 2", sent)
		}
		got := byAddress(box)
		if len(got) != 2 || got["saraa@example.org"] != 1 || got["ayu@example.org"] != 1 {
			t.Fatalf("delivered %v", got)
		}
		mn := box.To("saraa@example.org")[0]
		if mn.Subject != "Зуслан Saraa" || !strings.HasPrefix(mn.Text, "Сайн уу Saraa, "+base+"/c/") {
			t.Errorf("Mongolian reader got %q:\n%s", mn.Subject, mn.Text)
		}
		if !strings.Contains(mn.Text, "Цаашид авахгүй бол") || !strings.Contains(mn.Text, base+"/u/") {
			t.Errorf("no Mongolian footer with the unsubscribe link:\n%s", mn.Text)
		}
		en := box.To("ayu@example.org")[0]
		if en.Subject != "Camp for Ayu" || !strings.HasPrefix(en.Text, "Hello Ayu, see "+base+"/c/") {
			t.Errorf("English fallback got %q:\n%s", en.Subject, en.Text)
		}
		if strings.Contains(mn.Text, "https://example.org/camp") || strings.Contains(en.Text, "https://example.org/camp") {
			t.Error("a link went out uncounted")
		}
		c := f.counts(m.ID)
		if c.Recipients != 2 || c.Sent != 2 || c.Queued != 0 || c.Failed != 0 || f.status(m.ID) != mailings.StatusSent {
			t.Errorf("counts %+v, status %s", c, f.status(m.ID))
		}
		if _, err := f.svc.Send(ctx, 0, m.ID, nil); !isKind(err, apperr.Conflict) {
			t.Errorf("a second send: %v, want a conflict", err)
		}
	})
}

func isKind(err error, k apperr.Kind) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) && ae.Kind == k
}

// TestNobodyToReach: a mailing that would reach nobody does not start.
func TestNobodyToReach(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		f.person("Bold", "bold@example.org", "mn", "rural", false)
		m := f.mailing("")
		if _, err := f.svc.Send(context.Background(), 0, m.ID, nil); !isKind(err, apperr.Conflict) {
			t.Fatalf("send to nobody: %v, want a conflict", err)
		}
		if f.status(m.ID) != mailings.StatusDraft {
			t.Error("the draft changed")
		}
	})
}

// TestValidation: what staff can type wrong is a field error, and nothing
// is kept.
func TestValidation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		seg := int64(999)
		for name, tc := range map[string]struct {
			in    mailings.Input
			field string
		}{
			"no name":         {mailings.Input{Subject: map[string]string{"en": "s"}, Body: map[string]string{"en": "b"}}, "name"},
			"no default text": {mailings.Input{Name: "n", Subject: map[string]string{"mn": "s"}, Body: map[string]string{"mn": "b"}}, "subject.en"},
			"half a language": {mailings.Input{Name: "n", Subject: map[string]string{"en": "s", "fr": "s"}, Body: map[string]string{"en": "b"}}, "body.fr"},
			"unknown language": {mailings.Input{Name: "n", Subject: map[string]string{"en": "s", "de": "s"},
				Body: map[string]string{"en": "b"}}, "subject"},
			"misspelt placeholder": {mailings.Input{Name: "n", Subject: map[string]string{"en": "s"},
				Body: map[string]string{"en": "Hi {{ given_name }}"}}, "body.en"},
			"two lines of subject": {mailings.Input{Name: "n", Subject: map[string]string{"en": "a\nBcc: x@y"},
				Body: map[string]string{"en": "b"}}, "subject.en"},
			"bad query":       {mailings.Input{Name: "n", Subject: map[string]string{"en": "s"}, Body: map[string]string{"en": "b"}, Query: "colour=red"}, "query"},
			"unknown segment": {mailings.Input{Name: "n", Subject: map[string]string{"en": "s"}, Body: map[string]string{"en": "b"}, SegmentID: &seg}, "segment_id"},
			"segment and query": {mailings.Input{Name: "n", Subject: map[string]string{"en": "s"}, Body: map[string]string{"en": "b"},
				SegmentID: &seg, Query: "locality=rural"}, "query"},
		} {
			_, err := f.svc.Create(ctx, 0, tc.in)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.Invalid || ae.Fields[tc.field].ID == "" {
				t.Errorf("%s: %v, want an error on %s", name, err, tc.field)
			}
		}
		var n int64
		db.Table("mailings").Count(&n)
		if n != 0 {
			t.Errorf("%d mailings kept", n)
		}
	})
}

// TestOnlyDraftsChange: a mailing past its draft neither changes nor goes.
func TestOnlyDraftsChange(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.person("Saraa", "saraa@example.org", "mn", "rural", true)
		m := f.mailing("")
		in := mailings.Input{Name: "Renamed", Subject: map[string]string{"en": "s"}, Body: map[string]string{"en": "b"}}
		if got, err := f.svc.Update(ctx, 0, m.ID, in); err != nil || got.Name != "Renamed" || len(got.Texts) != 1 {
			t.Fatalf("update of a draft: %+v, %v", got, err)
		}
		if _, err := f.svc.Send(ctx, 0, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Update(ctx, 0, m.ID, in); !isKind(err, apperr.Conflict) {
			t.Errorf("update while sending: %v", err)
		}
		if err := f.svc.Delete(ctx, 0, m.ID); !isKind(err, apperr.Conflict) {
			t.Errorf("delete while sending: %v", err)
		}
		if err := f.svc.Delete(ctx, 0, m.ID+100); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("delete of nothing: %v", err)
		}
	})
}

// TestScheduled: a mailing set for a time goes at that time, not before,
// and reaches who is in its segment then.
func TestScheduled(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.person("Saraa", "saraa@example.org", "mn", "rural", true)
		m := f.mailing("")
		past := f.clock.now().Add(-time.Minute)
		if _, err := f.svc.Send(ctx, 0, m.ID, &past); !isKind(err, apperr.Invalid) {
			t.Fatalf("a past time: %v", err)
		}
		at := f.clock.now().Add(2 * time.Hour)
		got, err := f.svc.Send(ctx, 0, m.ID, &at)
		if err != nil || got.Status != mailings.StatusScheduled || !got.ScheduledAt.Equal(at) {
			t.Fatalf("scheduled: %+v, %v", got, err)
		}
		box := mailtest.Start(t)
		w, _ := f.worker(box, "a")
		if sent := f.drain(w); sent != 0 || f.counts(m.ID).Recipients != 0 {
			t.Fatalf("sent %d before its time", sent)
		}
		f.person("Ayu", "ayu@example.org", "id", "rural", true) // joins before it goes
		f.clock.add(2 * time.Hour)
		if sent := f.drain(w); sent != 2 {
			t.Fatalf("sent %d at its time, want 2", sent)
		}
		if f.status(m.ID) != mailings.StatusSent {
			t.Errorf("status %s", f.status(m.ID))
		}
	})
}

// TestCancel: a cancel stops a scheduled mailing before it starts, and a
// sending one between two batches; what did not go stays counted as
// queued.
func TestCancel(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		for i := range 30 {
			f.person("P", "p"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.org", "en", "rural", true)
		}
		box := mailtest.Start(t)
		scheduled := f.mailing("")
		at := f.clock.now().Add(time.Hour)
		if _, err := f.svc.Send(ctx, 0, scheduled.ID, &at); err != nil {
			t.Fatal(err)
		}
		if m, err := f.svc.Cancel(ctx, 0, scheduled.ID); err != nil || m.Status != mailings.StatusCancelled {
			t.Fatalf("cancel scheduled: %+v %v", m, err)
		}
		sending := f.mailing("")
		if _, err := f.svc.Send(ctx, 0, sending.ID, nil); err != nil {
			t.Fatal(err)
		}
		w, _ := f.worker(box, "a")
		w.Rate = 10 // batches of 10
		sent, _, err := w.RunOnce(ctx)
		if err != nil || sent != 10 {
			t.Fatalf("first batch: %d, %v", sent, err)
		}
		if _, err := f.svc.Cancel(ctx, 0, sending.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.add(2 * time.Hour)
		if more := f.drain(w); more != 0 {
			t.Fatalf("%d more sent after the cancel", more)
		}
		if c := f.counts(sending.ID); c.Sent != 10 || c.Queued != 20 {
			t.Errorf("counts %+v", c)
		}
		if len(box.Messages()) != 10 {
			t.Errorf("%d messages at the server", len(box.Messages()))
		}
		if _, err := f.svc.Cancel(ctx, 0, sending.ID); !isKind(err, apperr.Conflict) {
			t.Errorf("a second cancel: %v", err)
		}
	})
}

// TestSkippedWhenConsentWentMeanwhile: someone who unsubscribed, lost
// their email or was erased after the recipients were written gets nothing.
func TestSkippedWhenConsentWentMeanwhile(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.person("Saraa", "saraa@example.org", "mn", "rural", true)
		b := f.person("Ayu", "ayu@example.org", "id", "rural", true)
		c := f.person("Bold", "bold@example.org", "mn", "rural", true)
		m := f.mailing("")
		if _, err := f.svc.Send(ctx, 0, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := people.WithdrawNews(db, a.ID, people.ConsentStaff, f.clock.now()); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("DELETE FROM people WHERE id = ?", b.ID).Error; err != nil {
			t.Fatal(err)
		}
		box := mailtest.Start(t)
		w, _ := f.worker(box, "a")
		f.drain(w)
		if got := byAddress(box); len(got) != 1 || got["bold@example.org"] != 1 {
			t.Fatalf("delivered %v (want only %d's)", got, c.ID)
		}
		if cs := f.counts(m.ID); cs.Recipients != 3 || cs.Sent != 1 || cs.Skipped != 2 || f.status(m.ID) != mailings.StatusSent {
			t.Errorf("counts %+v", cs)
		}
	})
}

// TestRetriedThenFailed: a refused message is tried again after a backoff,
// and marked failed after MaxAttempts; the others go meanwhile.
func TestRetriedThenFailed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.person("Saraa", "saraa@example.org", "mn", "rural", true)
		m := f.mailing("")
		if _, err := f.svc.Send(ctx, 0, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		box := mailtest.Start(t)
		box.Refuse(true, false)
		w, log := f.worker(box, "a")
		for attempt := 1; attempt <= mailings.MaxAttempts; attempt++ {
			sent, failed, err := w.RunOnce(ctx)
			if sent != 0 || failed != 1 {
				t.Fatalf("attempt %d: %d sent, %d failed, %v", attempt, sent, failed, err)
			}
			if sent, failed, _ := w.RunOnce(ctx); sent+failed != 0 {
				t.Fatalf("attempt %d retried before its backoff", attempt)
			}
			f.clock.add(time.Hour)
		}
		if c := f.counts(m.ID); c.Failed != 1 || c.Queued != 0 {
			t.Fatalf("counts %+v", c)
		}
		f.drain(w)
		if f.status(m.ID) != mailings.StatusSent {
			t.Errorf("status %s", f.status(m.ID))
		}
		if strings.Contains(log.String(), "saraa@example.org") {
			t.Error("the log names the address")
		}
	})
}

// TestSegmentKeptUntilStarted: a saved segment that a draft goes to cannot
// be deleted (the draft would go to everyone); once the mailing starts it
// names the segment's filter and lets the segment go.
func TestSegmentKeptUntilStarted(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.person("Saraa", "saraa@example.org", "mn", "rural", true)
		f.person("Claire", "claire@example.org", "fr", "urban", true)
		seg, err := f.segs.Save(ctx, 0, "Rural", "locality=rural")
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.svc.Create(ctx, 0, mailings.Input{Name: "n", SegmentID: &seg.ID,
			Subject: map[string]string{"en": "s"}, Body: map[string]string{"en": "b"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.segs.DeleteSaved(ctx, 0, seg.ID); !isKind(err, apperr.Conflict) {
			t.Fatalf("deleting the segment of a draft: %v", err)
		}
		if n, err := f.svc.Reach(ctx, m); err != nil || n != 1 {
			t.Fatalf("reach %d, %v", n, err)
		}
		got, err := f.svc.Send(ctx, 0, m.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.SegmentID != nil || got.Query != "locality=rural" {
			t.Errorf("started: segment %v, query %q", got.SegmentID, got.Query)
		}
		if err := f.segs.DeleteSaved(ctx, 0, seg.ID); err != nil {
			t.Errorf("deleting the segment once the mailing started: %v", err)
		}
		if c := f.counts(m.ID); c.Recipients != 1 {
			t.Errorf("counts %+v", c)
		}
		if _, err := f.svc.Update(ctx, 0, m.ID, mailings.Input{}); !isKind(err, apperr.Conflict) {
			t.Errorf("bad fields on a started mailing: %v, want a conflict", err)
		}
	})
}

// TestSendWakesTheWorker: a mailing sent now on this node goes at once,
// not at the worker's next round.
func TestSendWakesTheWorker(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		f.person("Saraa", "saraa@example.org", "mn", "rural", true)
		box := mailtest.Start(t)
		w, _ := f.worker(box, "a")
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.Run(ctx, time.Hour); close(done) }()
		defer func() { cancel(); <-done }()
		time.Sleep(100 * time.Millisecond) // its first round, which finds nothing
		if _, err := f.svc.Send(context.Background(), 0, f.mailing("").ID, nil); err != nil {
			t.Fatal(err)
		}
		box.WaitFor(t, "saraa@example.org", 1, 10*time.Second)
	})
}
