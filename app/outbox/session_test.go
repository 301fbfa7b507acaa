package outbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// recipient is the address of the i-th message of a test.
func recipient(i int) string { return fmt.Sprintf("p%02d@example.org", i) }

// enqueueN queues n messages to recipient(0) … recipient(n-1), in that order.
func enqueueN(t *testing.T, db *gorm.DB, n int) {
	t.Helper()
	for i := range n {
		enqueue(t, db, Message{Kind: "k", ToAddress: recipient(i), Subject: fmt.Sprint("Сайн уу ", i), Body: "b"})
	}
}

// eachOnce fails the test unless box accepted exactly one message for each
// of the n recipients and nothing else.
func eachOnce(t *testing.T, box *mailtest.Server, n int) {
	t.Helper()
	got := map[string]int{}
	for _, m := range box.Messages() {
		got[m.To]++
	}
	for i := range n {
		if got[recipient(i)] != 1 {
			t.Errorf("%s received %d messages, want 1", recipient(i), got[recipient(i)])
		}
	}
	if len(box.Messages()) != n {
		t.Errorf("the relay accepted %d messages, want %d", len(box.Messages()), n)
	}
}

// waitHeld waits until the server holds a MAIL.
func waitHeld(t *testing.T, held <-chan struct{}) {
	t.Helper()
	select {
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("the relay held no MAIL")
	}
}

type round struct {
	sent, failed int
	err          error
}

// TestRoundSharesOneConnection: a round's messages go over one connection;
// the next round opens another.
func TestRoundSharesOneConnection(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		box := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
		enqueueN(t, db, 21)
		w := &Worker{DB: db, Sender: newSender(t, box), Log: quiet}
		if sent, failed, err := w.RunOnce(context.Background()); err != nil || sent != 20 || failed != 0 {
			t.Fatalf("RunOnce = %d, %d, %v; want 20 sent", sent, failed, err)
		}
		if n := box.Sessions(); n != 1 {
			t.Fatalf("20 messages over %d connections, want 1", n)
		}
		if sent, _, err := w.RunOnce(context.Background()); err != nil || sent != 1 {
			t.Fatalf("second RunOnce = %d, %v", sent, err)
		}
		if n := box.Sessions(); n != 2 {
			t.Fatalf("%d connections after two rounds, want 2", n)
		}
		eachOnce(t, box, 21)
		if n := pending(t, db); n != 0 {
			t.Fatalf("Pending = %d", n)
		}
	})
}

// TestRefusedRecipientMidRound: a recipient the relay refuses costs only
// its own message, retried with backoff; the others go on a fresh
// connection in the same round.
func TestRefusedRecipientMidRound(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		box := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
		enqueueN(t, db, 10)
		box.RefuseRecipients(recipient(4))
		clk := &clock{t: time.Now().UTC()}
		w := &Worker{DB: db, Sender: newSender(t, box), Log: quiet, Now: clk.Now}
		start := clk.Now()
		if sent, failed, err := w.RunOnce(context.Background()); err != nil || sent != 9 || failed != 1 {
			t.Fatalf("RunOnce = %d, %d, %v; want 9 sent, 1 failed", sent, failed, err)
		}
		if n := box.Sessions(); n != 2 {
			t.Fatalf("%d connections, want 2 (a fresh one after the refusal)", n)
		}
		var m Message
		if err := db.Where("to_address = ?", recipient(4)).Take(&m).Error; err != nil {
			t.Fatal(err)
		}
		if m.SentAt != nil || m.Attempts != 1 || !strings.Contains(m.LastError, "450") || m.LockedUntil != nil || !near(m.NextAttemptAt, start.Add(time.Minute)) {
			t.Fatalf("the refused message: sent_at %v, attempts %d, last_error %q, next %v", m.SentAt, m.Attempts, m.LastError, m.NextAttemptAt)
		}
		box.RefuseRecipients()
		clk.Add(time.Minute + time.Second)
		if sent, failed, err := w.RunOnce(context.Background()); err != nil || sent != 1 || failed != 0 {
			t.Fatalf("RunOnce once due = %d, %d, %v; want 1 sent", sent, failed, err)
		}
		eachOnce(t, box, 10)
	})
}

// TestDroppedConnectionMidRound: when the relay drops the connection
// between two messages, the message that found it dropped is retried, the
// rest go on a fresh connection, and none is lost or sent twice.
func TestDroppedConnectionMidRound(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		box := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
		enqueueN(t, db, 10)
		clk := &clock{t: time.Now().UTC()}
		w := &Worker{DB: db, Sender: newSender(t, box), Log: quiet, Now: clk.Now}
		held, release := box.HoldAfter(4)
		done := make(chan round, 1)
		go func() {
			sent, failed, err := w.RunOnce(context.Background())
			done <- round{sent, failed, err}
		}()
		waitHeld(t, held)
		if n := box.DropConnections(); n != 1 {
			t.Fatalf("dropped %d connections, want 1", n)
		}
		release()
		r := <-done
		if r.err != nil || r.sent != 9 || r.failed != 1 {
			t.Fatalf("RunOnce = %d, %d, %v; want 9 sent, 1 failed", r.sent, r.failed, r.err)
		}
		if n := box.Sessions(); n != 2 {
			t.Fatalf("%d connections, want 2", n)
		}
		clk.Add(time.Minute + time.Second)
		if sent, failed, err := w.RunOnce(context.Background()); err != nil || sent != 1 || failed != 0 {
			t.Fatalf("RunOnce once due = %d, %d, %v; want 1 sent", sent, failed, err)
		}
		eachOnce(t, box, 10)
		if n := pending(t, db); n != 0 {
			t.Fatalf("Pending = %d", n)
		}
	})
}

// TestShutdownBetweenMessages: a worker stopped while its connection waits
// between two messages records what went, hands back the rest without
// costing them an attempt, and another worker sends those, each once.
func TestShutdownBetweenMessages(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		box := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
		enqueueN(t, db, 6)
		held, release := box.HoldAfter(2)
		defer release()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan round, 1)
		stopped := &Worker{DB: db, Sender: newSender(t, box), Log: quiet}
		go func() {
			sent, failed, err := stopped.RunOnce(ctx)
			done <- round{sent, failed, err}
		}()
		waitHeld(t, held)
		cancel()
		var r round
		select {
		case r = <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the stopped worker still waits for the relay")
		}
		if !errors.Is(r.err, context.Canceled) || r.sent != 2 || r.failed != 0 {
			t.Fatalf("stopped RunOnce = %d, %d, %v; want 2 sent and cancelled", r.sent, r.failed, r.err)
		}
		var msgs []Message
		if err := db.Order("id").Find(&msgs).Error; err != nil {
			t.Fatal(err)
		}
		for i, m := range msgs {
			if (m.SentAt != nil) != (i < 2) || m.Attempts != 0 || m.LockedUntil != nil {
				t.Fatalf("message %d after the stop: sent_at %v, attempts %d, locked_until %v", i, m.SentAt, m.Attempts, m.LockedUntil)
			}
		}
		release()
		w := &Worker{DB: db, Sender: newSender(t, box), Log: quiet}
		if sent, failed, err := w.RunOnce(context.Background()); err != nil || sent != 4 || failed != 0 {
			t.Fatalf("the next worker's RunOnce = %d, %d, %v; want 4 sent", sent, failed, err)
		}
		eachOnce(t, box, 6)
	})
}

// TestSessionSurvivesRefusals: a refused recipient, a refused message and a
// message compose refuses leave the connection serving the next messages.
func TestSessionSurvivesRefusals(t *testing.T) {
	t.Parallel()
	box := mailtest.Start(t)
	sess, err := newSender(t, box, "tls=none").Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	send := func(i int, m Message) error {
		m.Kind, m.ToAddress, m.Subject, m.Body = "k", recipient(i), "s", "b"
		return sess.Send(ctx, m)
	}
	box.RefuseRecipients(recipient(1))
	if err := send(0, Message{}); err != nil {
		t.Fatal(err)
	}
	if err := send(1, Message{}); err == nil || !strings.Contains(err.Error(), "450") {
		t.Fatalf("a refused recipient: %v", err)
	}
	box.Refuse(false, true)
	if err := send(2, Message{}); err == nil || !strings.Contains(err.Error(), "554") {
		t.Fatalf("a refused message: %v", err)
	}
	box.Refuse(false, false)
	if err := send(3, Message{ListUnsubscribe: "/u/abc"}); err == nil || !strings.Contains(err.Error(), "List-Unsubscribe") {
		t.Fatalf("a bad List-Unsubscribe: %v", err)
	}
	if err := send(4, Message{ListUnsubscribe: "https://gotong.example.org/u/abc"}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
	got := box.Messages()
	if n := box.Sessions(); n != 1 || len(got) != 2 || got[0].To != recipient(0) || got[1].To != recipient(4) {
		t.Fatalf("%d connections, messages %+v", n, got)
	}
	if err := send(5, Message{}); !errors.Is(err, ErrSessionBroken) {
		t.Fatalf("Send after Close = %v", err)
	}
}

// TestSessionBrokenByDrop: once the relay drops the connection, the send
// that finds it fails and the session says it is broken at once after.
func TestSessionBrokenByDrop(t *testing.T) {
	t.Parallel()
	box := mailtest.Start(t)
	sess, err := newSender(t, box, "tls=none").Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	m := Message{Kind: "k", ToAddress: recipient(0), Subject: "s", Body: "b"}
	if err := sess.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	box.DropConnections()
	if err := sess.Send(context.Background(), m); err == nil || errors.Is(err, ErrSessionBroken) {
		t.Fatalf("Send over a dropped connection = %v, want the relay's error", err)
	}
	start := time.Now()
	if err := sess.Send(context.Background(), m); !errors.Is(err, ErrSessionBroken) || time.Since(start) > 100*time.Millisecond {
		t.Fatalf("Send after the drop = %v after %v, want ErrSessionBroken at once", err, time.Since(start))
	}
	if n := len(box.Messages()); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
}

// TestSessionCancelClosesConnection: cancelling a send's context closes the
// connection whichever command waits, the send reports the cancellation
// and the session is broken.
func TestSessionCancelClosesConnection(t *testing.T) {
	t.Parallel()
	box := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
	sess, err := newSender(t, box).Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	m := Message{Kind: "k", ToAddress: recipient(0), Subject: "s", Body: "b"}
	if err := sess.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	held, release := box.HoldAfter(1)
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- sess.Send(ctx, m) }()
	waitHeld(t, held)
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the cancelled Send = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cancelled Send did not return")
	}
	if _, err := sess.(*smtpSession).conn.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("reading the connection after the cancel: %v, want it closed", err)
	}
	if err := sess.Send(context.Background(), m); !errors.Is(err, ErrSessionBroken) {
		t.Fatalf("Send after the cancel = %v", err)
	}
	release()
	if n := len(box.Messages()); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
}

// TestLogSession: a LogSender's session logs as its Send does.
func TestLogSession(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	sess, err := LogSender{Log: slog.New(slog.NewJSONHandler(&buf, nil))}.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{7, 8} {
		if err := sess.Send(context.Background(), Message{ID: id, Kind: KindMailing, ToAddress: "saraa@example.org", Body: "secret"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, `"id":7`) || !strings.Contains(out, `"id":8`) || strings.Contains(out, "saraa") || strings.Contains(out, "secret") {
		t.Fatalf("log: %s", out)
	}
}
