package outbox

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a settable Worker.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func enqueue(t *testing.T, db *gorm.DB, m Message) {
	t.Helper()
	if err := database.Tx(context.Background(), db, func(tx *gorm.DB) error { return Enqueue(tx, m) }); err != nil {
		t.Fatal(err)
	}
}

func only(t *testing.T, db *gorm.DB) Message {
	t.Helper()
	var msgs []Message
	if err := db.Find(&msgs).Error; err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 {
		t.Fatalf("%d messages in the outbox, want 1", len(msgs))
	}
	return msgs[0]
}

func pending(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	n, err := Pending(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func near(a, b time.Time) bool { return a.Sub(b).Abs() < 2*time.Second }

const (
	cyrSubject = "Бүртгэл баталгаажлаа: Залуучуудын зуслан «Хөвсгөл 2025» — таны суудал хадгалагдлаа"
	cyrBody    = "Сайн байна уу, Саруул!\n\nТаны бүртгэл баталгаажлаа. Уулзъя!\nЛиния с точкой:\n.\nand a very long line that quoted-printable must wrap: " +
		"ЁёӨөҮүЁёӨөҮүЁёӨөҮүЁёӨөҮүЁёӨөҮүЁёӨөҮүЁёӨөҮүЁёӨөҮүЁёӨөҮүЁёӨөҮү = end\n"
)

func TestDeliverOnceWithHeaders(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ms := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
		enqueue(t, db, Message{Kind: "registration.confirmed", Locale: "mn", ToAddress: "saruul@example.mn", Subject: cyrSubject, Body: cyrBody})
		if n := pending(t, db); n != 1 {
			t.Fatalf("Pending = %d, want 1", n)
		}
		w := &Worker{DB: db, Sender: newSender(t, ms), Log: quiet}
		sent, failed, err := w.RunOnce(ctx)
		if err != nil || sent != 1 || failed != 0 {
			t.Fatalf("RunOnce = %d, %d, %v; want 1 sent", sent, failed, err)
		}
		// A second round finds nothing: a message goes out once.
		if sent, failed, err := w.RunOnce(ctx); err != nil || sent+failed != 0 {
			t.Fatalf("second RunOnce = %d, %d, %v; want nothing", sent, failed, err)
		}
		got := ms.Messages()
		if len(got) != 1 {
			t.Fatalf("server received %d messages, want 1", len(got))
		}
		d := got[0]
		if d.From != "noreply+camp@gotong.example.org" || d.To != "saruul@example.mn" || !d.TLS {
			t.Errorf("envelope %s -> %s, TLS %v", d.From, d.To, d.TLS)
		}
		for _, line := range strings.SplitAfter(string(d.Raw), "\r\n") {
			if len(line) > 78+2 {
				t.Errorf("line longer than 78 characters: %q", line)
			}
			if !strings.HasSuffix(line, "\r\n") && line != "" {
				t.Errorf("line not ended by CRLF: %q", line)
			}
		}
		h := d.Header
		if d.Subject != cyrSubject {
			t.Errorf("Subject = %q, raw %q; want %q", d.Subject, h.Get("Subject"), cyrSubject)
		}
		if !strings.HasPrefix(h.Get("Subject"), "=?UTF-8?") {
			t.Errorf("Subject not RFC 2047 encoded: %q", h.Get("Subject"))
		}
		from, err := h.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Address != "noreply+camp@gotong.example.org" || from[0].Name != "Gotong Хамтрал" {
			t.Errorf("From = %v (%v), raw %q", from, err, h.Get("From"))
		}
		to, err := h.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Address != "saruul@example.mn" {
			t.Errorf("To = %v (%v)", to, err)
		}
		if date, err := h.Date(); err != nil || !near(date, time.Now()) {
			t.Errorf("Date = %v (%v)", date, err)
		}
		m := only(t, db)
		wantID := "<gotong.outbox." + strconv.FormatInt(m.ID, 10) + "."
		if id := h.Get("Message-ID"); !strings.HasPrefix(id, wantID) || !strings.HasSuffix(id, "@gotong.example.org>") {
			t.Errorf("Message-ID = %q", id)
		}
		for k, want := range map[string]string{
			"MIME-Version":              "1.0",
			"Content-Type":              "text/plain; charset=UTF-8",
			"Content-Transfer-Encoding": "quoted-printable",
			"Content-Language":          "mn",
			"Auto-Submitted":            "auto-generated",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		if _, params, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || params["charset"] != "UTF-8" {
			t.Errorf("Content-Type params %v (%v)", params, err)
		}
		if d.Text != cyrBody {
			t.Errorf("body = %q, want %q", d.Text, cyrBody)
		}
		if m.SentAt == nil || !near(*m.SentAt, time.Now()) || m.LockedUntil != nil || m.Attempts != 0 {
			t.Errorf("row after sending: sent_at %v, locked_until %v, attempts %d", m.SentAt, m.LockedUntil, m.Attempts)
		}
		if n := pending(t, db); n != 0 {
			t.Fatalf("Pending = %d after sending", n)
		}
	})
}

func TestRefusedThenRetried(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ms := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
		enqueue(t, db, Message{Kind: "registration.confirmed", Locale: "mn", ToAddress: "bat@example.mn", Subject: "Сайн уу", Body: "Тест"})
		clk := &clock{t: time.Now().UTC()}
		var logs bytes.Buffer
		w := &Worker{DB: db, Sender: newSender(t, ms), Log: slog.New(slog.NewTextHandler(&logs, nil)), Now: clk.Now}

		// RCPT refused.
		ms.Refuse(true, false)
		start := clk.Now()
		if sent, failed, err := w.RunOnce(ctx); err != nil || sent != 0 || failed != 1 {
			t.Fatalf("RunOnce = %d, %d, %v; want 1 failed", sent, failed, err)
		}
		m := only(t, db)
		if m.SentAt != nil || m.Attempts != 1 || !strings.Contains(m.LastError, "450") || m.LockedUntil != nil {
			t.Fatalf("after a refusal: sent_at %v, attempts %d, last_error %q, locked_until %v", m.SentAt, m.Attempts, m.LastError, m.LockedUntil)
		}
		if !near(m.NextAttemptAt, start.Add(time.Minute)) {
			t.Fatalf("next_attempt_at = %v, want about %v", m.NextAttemptAt, start.Add(time.Minute))
		}
		// Not due yet: nothing happens.
		clk.Add(30 * time.Second)
		if sent, failed, err := w.RunOnce(ctx); err != nil || sent+failed != 0 {
			t.Fatalf("RunOnce before due = %d, %d, %v", sent, failed, err)
		}

		// DATA refused on the second try: the wait doubles.
		ms.Refuse(false, true)
		clk.Add(31 * time.Second)
		second := clk.Now()
		if sent, failed, err := w.RunOnce(ctx); err != nil || sent != 0 || failed != 1 {
			t.Fatalf("second RunOnce = %d, %d, %v; want 1 failed", sent, failed, err)
		}
		m = only(t, db)
		if m.SentAt != nil || m.Attempts != 2 || !strings.Contains(m.LastError, "554") || !near(m.NextAttemptAt, second.Add(2*time.Minute)) {
			t.Fatalf("after a second refusal: sent_at %v, attempts %d, last_error %q, next %v", m.SentAt, m.Attempts, m.LastError, m.NextAttemptAt)
		}
		if n := pending(t, db); n != 1 {
			t.Fatalf("Pending = %d, want 1", n)
		}
		if len(ms.Messages()) != 0 {
			t.Fatal("server kept a refused message")
		}
		// go-mail names the refused recipient in its error; the log must not.
		if out := logs.String(); strings.Contains(out, "example.mn") || !strings.Contains(out, "450") {
			t.Errorf("log of the refusals: %s", out)
		}

		// The server accepts again; once due, the message goes out, once.
		ms.Refuse(false, false)
		clk.Add(2*time.Minute + time.Second)
		if sent, failed, err := w.RunOnce(ctx); err != nil || sent != 1 || failed != 0 {
			t.Fatalf("third RunOnce = %d, %d, %v; want 1 sent", sent, failed, err)
		}
		clk.Add(time.Hour)
		if sent, failed, err := w.RunOnce(ctx); err != nil || sent+failed != 0 {
			t.Fatalf("RunOnce after delivery = %d, %d, %v", sent, failed, err)
		}
		if got := ms.Messages(); len(got) != 1 || got[0].To != "bat@example.mn" {
			t.Fatalf("server received %d messages, want 1", len(got))
		}
		m = only(t, db)
		if m.SentAt == nil || m.Attempts != 2 || m.LockedUntil != nil {
			t.Fatalf("after delivery: sent_at %v, attempts %d, locked_until %v", m.SentAt, m.Attempts, m.LockedUntil)
		}
	})
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		attempts int
		want     time.Duration
	}{
		{0, time.Minute},
		{1, time.Minute},
		{2, 2 * time.Minute},
		{3, 4 * time.Minute},
		{4, 8 * time.Minute},
		{8, 128 * time.Minute},
		{9, 256 * time.Minute},
		{10, 6 * time.Hour},
		{11, 6 * time.Hour},
		{64, 6 * time.Hour},
		{1 << 30, 6 * time.Hour},
	} {
		if got := Backoff(c.attempts); got != c.want {
			t.Errorf("Backoff(%d) = %v, want %v", c.attempts, got, c.want)
		}
	}
}

func TestTruncateError(t *testing.T) {
	t.Parallel()
	long := errors.New(strings.Repeat("ошибка ", 200) + "\x00\xff")
	s := truncateError(long)
	if n := utf8.RuneCountInString(s); n != 500 || !utf8.ValidString(s) || strings.Contains(s, "\x00") {
		t.Fatalf("truncateError: %d runes, valid %v", n, utf8.ValidString(s))
	}
	if got := truncateError(errors.New("bad\x00 \xff")); got != "bad \uFFFD" {
		t.Fatalf("truncateError = %q", got)
	}
}

// TestFailuresNeverDropped keeps failing past the loud threshold and the cap:
// the message is still there, waiting at most 6 h.
func TestFailuresNeverDropped(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		enqueue(t, db, Message{Kind: "k", ToAddress: "a@example.org", Subject: "s", Body: "secret body"})
		clk := &clock{t: time.Now().UTC()}
		var logs bytes.Buffer
		w := &Worker{DB: db, Sender: refuser{}, Log: slog.New(slog.NewTextHandler(&logs, nil)), Now: clk.Now}
		for i := 1; i <= 12; i++ {
			if sent, failed, err := w.RunOnce(context.Background()); err != nil || sent != 0 || failed != 1 {
				t.Fatalf("round %d: %d, %d, %v", i, sent, failed, err)
			}
			m := only(t, db)
			if m.Attempts != i || !near(m.NextAttemptAt, clk.Now().Add(Backoff(i))) {
				t.Fatalf("round %d: attempts %d, next in %v", i, m.Attempts, m.NextAttemptAt.Sub(clk.Now()))
			}
			clk.Add(Backoff(i) + time.Second)
		}
		if c := strings.Count(logs.String(), "level=WARN"); c != 9 {
			t.Errorf("%d warnings, want 9", c)
		}
		if c := strings.Count(logs.String(), "level=ERROR"); c != 3 {
			t.Errorf("%d errors, want 3", c)
		}
		if strings.Contains(logs.String(), "secret body") {
			t.Error("a body reached the log")
		}
	})
}

type refuser struct{}

func (refuser) Send(context.Context, Message) error { return errors.New("550 no") }

func TestEnqueueRollsBackWithTransaction(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		boom := errors.New("registration failed")
		err := database.Tx(ctx, db, func(tx *gorm.DB) error {
			if err := Enqueue(tx, Message{Kind: "registration.confirmed", ToAddress: "a@example.org", Subject: "s", Body: "b"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx = %v", err)
		}
		if n := pending(t, db); n != 0 {
			t.Fatalf("%d messages after a rolled-back transaction", n)
		}
		var n int64
		db.Model(&Message{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d rows after a rolled-back transaction", n)
		}
		for _, m := range []Message{
			{Kind: "", ToAddress: "a@example.org"},
			{Kind: "k", ToAddress: ""},
			{Kind: "k", ToAddress: "A <a@example.org>"},
			{Kind: "k", ToAddress: "a@example.org\r\nBcc: b@example.org"},
		} {
			if err := Enqueue(db, m); err == nil {
				t.Errorf("Enqueue(%q, %q) succeeded", m.Kind, m.ToAddress)
			}
		}
		// A subject is queued on one line.
		enqueue(t, db, Message{Kind: "k", ToAddress: "b@example.org", Subject: "Camp\rORGANIZER\r\nBcc: x\u2028y"})
		var queued Message
		if err := db.Where("to_address = ?", "b@example.org").Take(&queued).Error; err != nil || queued.Subject != "Camp ORGANIZER  Bcc: x y" {
			t.Fatalf("queued subject %q (%v)", queued.Subject, err)
		}
		db.Where("1 = 1").Delete(&Message{})
		// State the caller passes in is ignored.
		enqueue(t, db, Message{ID: 99, Kind: "k", ToAddress: "a@example.org", Attempts: 7, SentAt: new(time.Now()), LastError: "x"})
		if m := only(t, db); m.SentAt != nil || m.Attempts != 0 || m.LastError != "" || !near(m.NextAttemptAt, time.Now()) {
			t.Fatalf("enqueued row: %+v", m)
		}
	})
}

// TestConcurrentWorkersSendEachOnce runs several workers on one database, as
// several nodes would; every message must reach the server exactly once.
func TestConcurrentWorkersSendEachOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ms := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
		const total = 50
		for i := range total {
			enqueue(t, db, Message{Kind: "k", ToAddress: "p" + strconv.Itoa(i) + "@example.org", Subject: "Сайн уу " + strconv.Itoa(i), Body: "b"})
		}
		const workers = 4
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		sentBy := make([]int, workers)
		for i := range workers {
			w := &Worker{DB: db, Sender: newSender(t, ms), Log: quiet, Batch: 3}
			wg.Go(func() {
				for {
					sent, failed, err := w.RunOnce(ctx)
					if err != nil || failed != 0 {
						errs <- errors.Join(err, errors.New(strconv.Itoa(failed)+" failed"))
						return
					}
					if sent == 0 {
						return
					}
					sentBy[i] += sent
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		// Workers stop when a round finds nothing to claim; rows another worker
		// still held were sent by it before it stopped.
		if n := pending(t, db); n != 0 {
			t.Fatalf("Pending = %d after all workers stopped", n)
		}
		byID, byTo := map[string]int{}, map[string]int{}
		for _, d := range ms.Messages() {
			byID[d.Header.Get("Message-ID")]++
			byTo[d.To]++
		}
		if len(byID) != total || len(byTo) != total {
			t.Fatalf("%d distinct Message-IDs, %d recipients; want %d", len(byID), len(byTo), total)
		}
		for id, n := range byID {
			if n != 1 {
				t.Errorf("%s delivered %d times", id, n)
			}
		}
		sum := 0
		for _, n := range sentBy {
			sum += n
		}
		if sum != total {
			t.Fatalf("workers report %d sent, want %d", sum, total)
		}
		t.Logf("sent per worker: %v", sentBy)
	})
}

// TestCancelReleasesClaim: a shutdown during a send costs no attempt and frees
// the message for the next round at once.
func TestCancelReleasesClaim(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		enqueue(t, db, Message{Kind: "k", ToAddress: "a@example.org", Subject: "s", Body: "b"})
		enqueue(t, db, Message{Kind: "k", ToAddress: "b@example.org", Subject: "s", Body: "b"})
		ctx, cancel := context.WithCancel(context.Background())
		w := &Worker{DB: db, Sender: senderFunc(func(ctx context.Context, _ Message) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}), Log: quiet}
		if sent, failed, err := w.RunOnce(ctx); !errors.Is(err, context.Canceled) || sent+failed != 0 {
			t.Fatalf("RunOnce = %d, %d, %v; want cancelled", sent, failed, err)
		}
		var msgs []Message
		db.Find(&msgs)
		for _, m := range msgs {
			if m.Attempts != 0 || m.LockedUntil != nil || m.SentAt != nil {
				t.Fatalf("after cancellation: %+v", m)
			}
		}
		w.Sender = LogSender{Log: quiet}
		if sent, _, err := w.RunOnce(context.Background()); err != nil || sent != 2 {
			t.Fatalf("RunOnce after cancellation = %d, %v", sent, err)
		}
	})
}

type senderFunc func(context.Context, Message) error

func (f senderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }

// TestClaimHeldByAnotherNode: a live claim keeps other workers off; an expired
// one does not.
func TestClaimHeldByAnotherNode(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		enqueue(t, db, Message{Kind: "k", ToAddress: "a@example.org", Subject: "s", Body: "b"})
		clk := &clock{t: time.Now().UTC().Add(time.Second)}
		held := clk.Now().Add(time.Minute)
		db.Model(&Message{}).Where("1 = 1").Update("locked_until", held)
		w := &Worker{DB: db, Sender: LogSender{Log: quiet}, Log: quiet, Now: clk.Now}
		if sent, _, err := w.RunOnce(context.Background()); err != nil || sent != 0 {
			t.Fatalf("RunOnce under another's claim = %d, %v", sent, err)
		}
		clk.Add(time.Minute + time.Second)
		if sent, _, err := w.RunOnce(context.Background()); err != nil || sent != 1 {
			t.Fatalf("RunOnce after the claim expired = %d, %v", sent, err)
		}
	})
}

func TestRunDrains(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ms := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
		for i := range 7 {
			enqueue(t, db, Message{Kind: "k", ToAddress: "r" + strconv.Itoa(i) + "@example.org", Subject: "s", Body: "b"})
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		w := &Worker{DB: db, Sender: newSender(t, ms), Log: quiet, Batch: 2}
		go func() { w.Run(ctx, time.Hour); close(done) }()
		deadline := time.Now().Add(10 * time.Second)
		for pending(t, db) != 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
		if n := pending(t, db); n != 0 {
			t.Fatalf("Pending = %d: full batches were not followed at once", n)
		}
		if n := len(ms.Messages()); n != 7 {
			t.Fatalf("server received %d, want 7", n)
		}
	})
}

// recipient, subject or body.
func TestLogSenderLogsIDsAndKindsOnly(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := LogSender{Log: slog.New(slog.NewJSONHandler(&buf, nil))}.Send(context.Background(),
		Message{ID: 7, Kind: "registration.confirmed", Locale: "mn", ToAddress: "saraa@example.org",
			Subject: "Your place at LGBTI safe space workshop is confirmed", Body: "birth year 2009, allergy"})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`"id":7`, `"kind":"registration.confirmed"`, `"locale":"mn"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s: %s", want, out)
		}
	}
	for _, leak := range []string{"saraa", "example.org", "LGBTI", "workshop", "allergy"} {
		if strings.Contains(out, leak) {
			t.Errorf("log holds %q: %s", leak, out)
		}
	}
}

// recorder is a Sender that keeps the order of what it was given.
type recorder struct {
	mu  sync.Mutex
	got []string
}

func (r *recorder) Send(_ context.Context, m Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, m.Subject)
	return nil
}

// TestClaimOldestDueFirst: a round takes the messages that have waited
// longest, a retry before newer mail of the same moment, and leaves those
// whose next attempt is still to come.
func TestClaimOldestDueFirst(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		base := time.Now().UTC().Truncate(time.Second)
		for _, m := range []struct {
			subject string
			due     time.Duration
		}{{"third", -time.Minute}, {"later", time.Hour}, {"first", -time.Hour}, {"fourth", -time.Minute}, {"second", -2 * time.Minute}} {
			enqueue(t, db, Message{Kind: "k", ToAddress: "a@example.org", Subject: m.subject, Body: "b", NextAttemptAt: base.Add(m.due)})
		}
		rec := &recorder{}
		w := &Worker{DB: db, Sender: rec, Log: quiet, Batch: 2, Now: func() time.Time { return base }}
		for range 3 {
			if _, _, err := w.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if got := strings.Join(rec.got, " "); got != "first second third fourth" {
			t.Fatalf("sent in order %q, want %q", got, "first second third fourth")
		}
		if n := pending(t, db); n != 1 {
			t.Fatalf("Pending = %d, want 1 (the message due in an hour)", n)
		}
	})
}

// TestClaimBehindTheCursor: a round claims from where the last one ended,
// not from the oldest entry of the queue's index (which keeps the entries
// of sent messages until a vacuum). A message that becomes due behind the
// cursor (enqueued by a transaction that committed after newer ones went
// out, or a claim of another node released) still goes out: when it is
// within afterLag of now, at once; otherwise at the next rescan, within
// rescanEvery.
func TestClaimBehindTheCursor(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ms := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
		start := time.Now().UTC().Truncate(time.Microsecond)
		clk := &clock{t: start}
		w := &Worker{DB: db, Sender: newSender(t, ms), Log: quiet, Now: clk.Now}
		send := func(want int) {
			t.Helper()
			if sent, failed, err := w.RunOnce(ctx); err != nil || sent != want || failed != 0 {
				t.Fatalf("RunOnce at %v = %d sent, %d failed, %v; want %d sent", clk.Now().Sub(start), sent, failed, err, want)
			}
		}
		enqueue(t, db, Message{Kind: "k", ToAddress: "first@example.org", Subject: "s", Body: "b", NextAttemptAt: start})
		send(1) // the cursor is now at start
		// Committed late, due just before the cursor, within afterLag of now.
		enqueue(t, db, Message{Kind: "k", ToAddress: "late@example.org", Subject: "s", Body: "b", NextAttemptAt: start.Add(-afterLag / 2)})
		send(1)
		// Due long before the cursor: a released claim of another node.
		enqueue(t, db, Message{Kind: "k", ToAddress: "old@example.org", Subject: "s", Body: "b", NextAttemptAt: start.Add(-time.Hour)})
		clk.Add(afterLag / 2)
		send(0) // behind the cursor and the lag: left for the rescan
		clk.Add(rescanEvery)
		send(1)
		if n := pending(t, db); n != 0 {
			t.Fatalf("Pending = %d, want 0", n)
		}
		got := map[string]bool{}
		for _, m := range ms.Messages() {
			got[m.To] = true
		}
		if len(got) != 3 || !got["late@example.org"] || !got["old@example.org"] {
			t.Fatalf("delivered to %v", got)
		}
	})
}
