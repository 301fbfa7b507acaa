package mailtest_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/smtp"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/outbox"
)

// recorder stands in for a test to see what a helper reports: Fatalf ends
// the helper's goroutine as it would end a test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatal runs f as a test would and returns what it failed with, "" if it
// did not.
func fatal(t *testing.T, f func(t testing.TB)) string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); f(r) }()
	<-done
	return r.fatal
}

const cyrillic = "Бүртгэлээ баталгаажуулна уу: Залуучуудын зуслан «Хөвсгөл 2027» — таны суудал хүлээж байна"

// TestThroughOutbox: what outbox.SMTPSender sends to the URL of a server
// arrives in the recipient's mailbox, read as a person reads it.
func TestThroughOutbox(t *testing.T) {
	t.Parallel()
	box := mailtest.Start(t)
	s, err := outbox.NewSMTPSender(box.URL())
	if err != nil {
		t.Fatal(err)
	}
	body := "Сайн байна уу, Саруул!\n\nБүртгэлээ баталгаажуулна уу: http://127.0.0.1/v/abc.DEF_12?lang=mn.\nЭсвэл цуцлах: http://127.0.0.1/r/xyz\n" +
		"а very long line that quoted-printable must wrap: " + strings.Repeat("ЁёӨөҮү", 12) + " = end\n"
	if err := s.Send(context.Background(), outbox.Message{Kind: "k", Locale: "mn", ToAddress: "saruul@example.mn", Subject: cyrillic, Body: body}); err != nil {
		t.Fatal(err)
	}
	got := box.WaitFor(t, "Saruul@Example.MN", 1, 5*time.Second)
	if len(got) != 1 || len(box.Messages()) != 1 || len(box.To("bat@example.mn")) != 0 {
		t.Fatalf("%d messages for saruul, %d in all", len(got), len(box.Messages()))
	}
	m := got[0]
	if m.To != "saruul@example.mn" || m.From != mailtest.From || m.TLS || m.User != "" {
		t.Errorf("envelope %s -> %s, TLS %v, user %q", m.From, m.To, m.TLS, m.User)
	}
	if m.Subject != cyrillic || !strings.HasPrefix(m.Header.Get("Subject"), "=?UTF-8?") {
		t.Errorf("Subject %q, raw %q", m.Subject, m.Header.Get("Subject"))
	}
	if m.Text != body || m.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Errorf("Text %q, want %q", m.Text, body)
	}
	if m.Header.Get("Content-Language") != "mn" || !strings.Contains(string(m.Raw), "\r\nContent-Language: mn\r\n") {
		t.Errorf("header %v", m.Header)
	}
	if l := m.Link(t, "/v/"); l != "/v/abc.DEF_12?lang=mn" {
		t.Errorf("Link(/v/) = %q", l)
	}
	if l := m.Link(t, "/r/"); l != "/r/xyz" {
		t.Errorf("Link(/r/) = %q", l)
	}
}

// TestWaitFor: WaitFor returns once the messages arrive, and fails the test
// when they do not.
func TestWaitFor(t *testing.T) {
	t.Parallel()
	box := mailtest.Start(t)
	s, err := outbox.NewSMTPSender(box.URL())
	if err != nil {
		t.Fatal(err)
	}
	sent := make(chan error, 1)
	go func() {
		time.Sleep(100 * time.Millisecond)
		for i := range 2 {
			if err := s.Send(context.Background(), outbox.Message{ToAddress: "a@example.org", Subject: fmt.Sprint(i), Body: "b"}); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()
	got := box.WaitFor(t, "a@example.org", 2, 10*time.Second)
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Subject != "0" || got[1].Subject != "1" {
		t.Fatalf("WaitFor = %+v", got)
	}
	msg := fatal(t, func(t testing.TB) { box.WaitFor(t, "a@example.org", 3, 50*time.Millisecond) })
	if !strings.Contains(msg, "2 messages for a@example.org") {
		t.Fatalf("WaitFor for a third message: %q", msg)
	}
}

// TestRecipientsAndUnreadable: a message to two recipients is in both
// mailboxes; one a mail program could not read is refused and fails the test.
func TestRecipientsAndUnreadable(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	box := mailtest.Start(r)
	msg := "From: a@example.org\r\nSubject: =?utf-8?q?=D0=A1=D0=B0=D0=B9=D0=BD?= =?utf-8?q?_=D1=83=D1=83?=\r\n\r\nHi\r\n"
	if err := smtp.SendMail(box.Addr(), nil, "a@example.org", []string{"b@example.org", "c@example.org"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	if b, c := box.To("b@example.org"), box.To("c@example.org"); len(b) != 1 || len(c) != 1 || b[0].Subject != "Сайн уу" || c[0].Text != "Hi\n" {
		t.Fatalf("b: %+v, c: %+v", b, c)
	}
	bad := "From: a@example.org\r\nSubject: one\r\nSubject: two\r\n\r\nHi\r\n"
	if err := smtp.SendMail(box.Addr(), nil, "a@example.org", []string{"b@example.org"}, []byte(bad)); err == nil || !strings.Contains(err.Error(), "554") {
		t.Fatalf("an unreadable message: %v", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "2 Subject headers") || len(box.Messages()) != 2 {
		t.Fatalf("errors %q, %d messages", r.errors, len(box.Messages()))
	}
}

// TestParse: encodings a mail program undoes, and what it cannot read.
func TestParse(t *testing.T) {
	t.Parallel()
	multipart := "Subject: =?UTF-8?B?0JfRg9GB0LvQsNC9?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"out\"\r\n\r\n" +
		"--out\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nnot the body\r\n" +
		"--out\r\nContent-Type: multipart/alternative; boundary=in\r\n\r\n" +
		"--in\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html</p>\r\n" +
		"--in\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"0KHQsNC50L0g0LHQsNC50L3QsCDRg9GDLApodHRwczovL2dvdG9uZy5leGFtcGxlL2cvMQo=\r\n--in--\r\n--out--\r\n"
	qp := "Subject: plain\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"Bonjour =C3=A0 vous, un lien tr=C3=A8s long https://gotong.example/v/=\r\nabc=3D\r\n"
	for raw, want := range map[string][2]string{
		multipart:                          {"Зуслан", "Сайн байна уу,\nhttps://gotong.example/g/1\n"},
		qp:                                 {"plain", "Bonjour à vous, un lien très long https://gotong.example/v/abc=\n"},
		"Subject: no type\r\n\r\nline\r\n": {"no type", "line\n"},
	} {
		m, err := mailtest.Parse([]byte(raw))
		if err != nil || m.Subject != want[0] || m.Text != want[1] {
			t.Errorf("Parse: %q, %q, %v; want %q", m.Subject, m.Text, err, want)
		}
	}
	for raw, want := range map[string]string{
		"Subject: a\r\nSubject: b\r\n\r\nx":                                           "2 Subject headers",
		"Subject: =?koi8-r?b?+sHS?=\r\n\r\nx":                                         "Subject",
		"Subject: a\r\nContent-Type: text/plain; charset=iso-8859-5\r\n\r\nx":         "charset",
		"Subject: a\r\nContent-Type: text/html\r\n\r\n<p>x</p>":                       "no text/plain",
		"Subject: a\r\nContent-Transfer-Encoding: uuencode\r\n\r\nx":                  "Content-Transfer-Encoding",
		"Subject: a\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!":                  "body",
		"Subject: a\r\n\r\n\xff":                                                      "UTF-8",
		"Subject a\r\n\r\nx":                                                          "header",
		"Subject: a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nx\r\n": "multipart",
	} {
		if _, err := mailtest.Parse([]byte(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error about %s", raw, err, want)
		}
	}
}

// TestLinks: links as a person clicks them, without the sentence's
// punctuation around them, each once.
func TestLinks(t *testing.T) {
	t.Parallel()
	m := mailtest.Mail{To: "a@example.org", Text: "Confirm: http://127.0.0.1/v/abc?x=1.\n" +
		"Or cancel (https://gotong.example/r/def), see «https://gotong.example/about» and\n" +
		"https://en.wikipedia.org/wiki/Camp_(disambiguation); again http://127.0.0.1/v/abc?x=1!\n" +
		"ftp://example.org/x, <https://gotong.example/g/7>, “https://gotong.example/r/ghi”…\n" +
		"https://gotong.example/g/8:\nhttps://gotong.example/g/9?\n"}
	want := []string{"http://127.0.0.1/v/abc?x=1", "https://gotong.example/r/def", "https://gotong.example/about",
		"https://en.wikipedia.org/wiki/Camp_(disambiguation)", "https://gotong.example/g/7", "https://gotong.example/r/ghi",
		"https://gotong.example/g/8", "https://gotong.example/g/9"}
	if got := m.Links(""); !reflect.DeepEqual(got, want) {
		t.Errorf("Links = %q\nwant    %q", got, want)
	}
	if got := m.Links("https://gotong.example/r/"); !reflect.DeepEqual(got, []string{"https://gotong.example/r/def", "https://gotong.example/r/ghi"}) {
		t.Errorf("Links(base) = %q", got)
	}
	if got := m.Link(t, "/v/"); got != "/v/abc?x=1" {
		t.Errorf("Link(/v/) = %q", got)
	}
	if got := m.Link(t, "/wiki/"); got != "/wiki/Camp_(disambiguation)" {
		t.Errorf("Link(/wiki/) = %q", got)
	}
	for prefix, want := range map[string]string{"/r/": "2 links under /r/", "/x/": "0 links under /x/"} {
		if msg := fatal(t, func(t testing.TB) { m.Link(t, prefix) }); !strings.Contains(msg, want) {
			t.Errorf("Link(%s) failed with %q, want %q", prefix, msg, want)
		}
	}
}

// dial opens an SMTP client to box, over TLS when box offers it.
func dial(t *testing.T, box *mailtest.Server, mode mailtest.TLS) *smtp.Client {
	t.Helper()
	cfg := &tls.Config{RootCAs: box.RootCAs(), ServerName: "127.0.0.1"}
	var c *smtp.Client
	var err error
	if mode == mailtest.ImplicitTLS {
		var conn *tls.Conn
		if conn, err = tls.Dial("tcp", box.Addr(), cfg); err == nil {
			c, err = smtp.NewClient(conn, "127.0.0.1")
		}
	} else {
		c, err = smtp.Dial(box.Addr())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Hello("localhost"); err != nil {
		t.Fatal(err)
	}
	if mode == mailtest.StartTLS {
		if err := c.StartTLS(cfg); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// send sends one message to rcpt over c.
func send(c *smtp.Client, rcpt, subject string) error {
	if err := c.Mail("a@example.org"); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "Subject: %s\r\n\r\nHi\r\n", subject); err != nil {
		return err
	}
	return w.Close()
}

// TestSessions: the server counts connections, not messages nor the
// greeting again after STARTTLS.
func TestSessions(t *testing.T) {
	t.Parallel()
	for _, mode := range []mailtest.TLS{mailtest.NoTLS, mailtest.StartTLS, mailtest.ImplicitTLS} {
		box := mailtest.StartWith(t, mailtest.Options{TLS: mode})
		c := dial(t, box, mode)
		for i := range 3 {
			if err := send(c, "b@example.org", fmt.Sprint(i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Quit(); err != nil {
			t.Fatal(err)
		}
		if n, got := box.Sessions(), box.Messages(); n != 1 || len(got) != 3 || got[2].TLS != (mode != mailtest.NoTLS) {
			t.Fatalf("TLS %d: %d sessions, %d messages, want 1 and 3", mode, n, len(got))
		}
		for range 2 {
			if err := send(dial(t, box, mode), "b@example.org", "again"); err != nil {
				t.Fatal(err)
			}
		}
		if n := box.Sessions(); n != 3 {
			t.Fatalf("TLS %d: %d sessions, want 3", mode, n)
		}
	}
}

// TestHoldAfter: once n messages have arrived, MAIL waits in every session
// until release, and held says when one does.
func TestHoldAfter(t *testing.T) {
	t.Parallel()
	box := mailtest.Start(t)
	held, release := box.HoldAfter(1)
	a, b := dial(t, box, mailtest.NoTLS), dial(t, box, mailtest.NoTLS)
	if err := send(a, "a@example.org", "first"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
		t.Fatal("held before a MAIL waited")
	default:
	}
	done := make(chan error, 2)
	go func() { done <- send(a, "a@example.org", "second") }()
	go func() { done <- send(b, "b@example.org", "third") }()
	select {
	case <-held:
	case <-time.After(5 * time.Second):
		t.Fatal("no MAIL held")
	}
	select {
	case err := <-done:
		t.Fatalf("a send went through the hold: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if n := len(box.Messages()); n != 1 {
		t.Fatalf("%d messages while held, want 1", n)
	}
	release()
	release()
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(box.Messages()); n != 3 {
		t.Fatalf("%d messages after release, want 3", n)
	}
}

// TestDropConnections: the open connections are closed under their clients.
func TestDropConnections(t *testing.T) {
	t.Parallel()
	box := mailtest.Start(t)
	a, b := dial(t, box, mailtest.NoTLS), dial(t, box, mailtest.NoTLS)
	if n := box.DropConnections(); n != 2 {
		t.Fatalf("DropConnections = %d, want 2", n)
	}
	for _, c := range []*smtp.Client{a, b} {
		if err := send(c, "a@example.org", "s"); err == nil {
			t.Fatal("sent over a dropped connection")
		}
	}
	if err := send(dial(t, box, mailtest.NoTLS), "a@example.org", "s"); err != nil || len(box.Messages()) != 1 {
		t.Fatalf("a new connection after the drop: %v, %d messages", err, len(box.Messages()))
	}
}

// TestRefuseRecipients: only the recipients named are refused, whatever
// their case, until the list is emptied.
func TestRefuseRecipients(t *testing.T) {
	t.Parallel()
	box := mailtest.Start(t)
	box.RefuseRecipients("Bat@Example.MN")
	c := dial(t, box, mailtest.NoTLS)
	if err := send(c, "bat@example.mn", "s"); err == nil || !strings.Contains(err.Error(), "450") {
		t.Fatalf("a refused recipient: %v", err)
	}
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := send(c, "saraa@example.mn", "s"); err != nil {
		t.Fatal(err)
	}
	box.RefuseRecipients()
	if err := send(c, "bat@example.mn", "s"); err != nil {
		t.Fatal(err)
	}
	if got := box.Messages(); len(got) != 2 || got[0].To != "saraa@example.mn" || got[1].To != "bat@example.mn" {
		t.Fatalf("messages %+v", got)
	}
}
