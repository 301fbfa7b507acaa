package outbox

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// sentAgo marks the message with subject sent d ago.
func sentAgo(t *testing.T, db *gorm.DB, subject string, d time.Duration) {
	t.Helper()
	at := time.Now().UTC().Add(-d)
	if err := db.Model(&Message{}).Where("subject = ?", subject).Update("sent_at", at).Error; err != nil {
		t.Fatal(err)
	}
}

func subjects(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var out []string
	if err := db.Model(&Message{}).Order("id").Pluck("subject", &out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// Sent mail older than the keep time goes; younger sent mail, and mail not
// yet sent however old, stays.
func TestPurgeSentMail(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		const day = 24 * time.Hour
		for _, s := range []string{"old-1", "old-2", "old-3", "old-4", "old-5", "recent", "unsent", "failing"} {
			enqueue(t, db, Message{Kind: "registration.confirmed", ToAddress: "a@example.org", Subject: s, Body: "b"})
		}
		for _, s := range []string{"old-1", "old-2", "old-3", "old-4", "old-5"} {
			sentAgo(t, db, s, 31*day)
		}
		sentAgo(t, db, "recent", 29*day)
		old := time.Now().UTC().Add(-90 * day)
		db.Model(&Message{}).Where("subject IN ?", []string{"unsent", "failing"}).Update("created_at", old)
		db.Model(&Message{}).Where("subject = ?", "failing").Updates(map[string]any{"attempts": 40, "last_error": "550 no"})

		// Two at a time: the five old ones take three statements.
		n, err := purge(context.Background(), db, time.Now().Add(-30*day), 2)
		if err != nil || n != 5 {
			t.Fatalf("purge = %d, %v; want 5", n, err)
		}
		if got := strings.Join(subjects(t, db), " "); got != "recent unsent failing" {
			t.Fatalf("left %q, want recent, unsent and failing", got)
		}
		if n, err := Purge(context.Background(), db, time.Now().Add(-30*day)); err != nil || n != 0 {
			t.Fatalf("second Purge = %d, %v; want nothing left to purge", n, err)
		}
	})
}

// A relay that echoes the recipient in its refusal does not put the address
// in the log.
func TestSendFailureLogHoldsNoAddress(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		enqueue(t, db, Message{Kind: "registration.waitlisted", ToAddress: "bat.erdene@example.mn", Subject: "s", Body: "b"})
		var logs bytes.Buffer
		w := &Worker{DB: db, Log: slog.New(slog.NewJSONHandler(&logs, nil)),
			Sender: senderFunc(func(context.Context, Message) error {
				return errors.New("RCPT TO: 550 5.1.1 <Bat.Erdene@Example.MN>: Recipient address rejected")
			})}
		if _, failed, err := w.RunOnce(context.Background()); err != nil || failed != 1 {
			t.Fatalf("RunOnce: %d failed, %v", failed, err)
		}
		out := logs.String()
		if strings.Contains(strings.ToLower(out), "example.mn") || strings.Contains(strings.ToLower(out), "erdene") {
			t.Errorf("the log holds the address: %s", out)
		}
		if !strings.Contains(out, "registration.waitlisted") || !strings.Contains(out, "550 5.1.1") {
			t.Errorf("the log lost the kind or the relay's answer: %s", out)
		}
	})
}

func TestWithoutAddresses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"550 5.1.1 <saraa@example.org>: Recipient address rejected", "550 5.1.1 <[address]>: Recipient address rejected"},
		{"RCPT TO: 553 bat+camp@mail.example.mn (no such user), try admin@example.mn", "RCPT TO: 553 [address] (no such user), try [address]"},
		{`5.1.1 "бат@example.mn" unknown`, `5.1.1 "[address]" unknown`},
		{"dial tcp 10.0.0.5:587: connection refused", "dial tcp 10.0.0.5:587: connection refused"},
		{"", ""},
	} {
		if got := WithoutAddresses(c.in); got != c.want {
			t.Errorf("WithoutAddresses(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
