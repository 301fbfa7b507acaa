package outbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// newSender sends to box from an address with a Cyrillic display name, with
// params (such as "tls=none") added to the URL, trusting box's certificate.
func newSender(t *testing.T, box *mailtest.Server, params ...string) *SMTPSender {
	t.Helper()
	u, err := url.Parse(box.URL())
	if err != nil {
		t.Fatal(err)
	}
	u.RawQuery = strings.Join(append([]string{"from=Gotong%20%D0%A5%D0%B0%D0%BC%D1%82%D1%80%D0%B0%D0%BB%20<noreply+camp@gotong.example.org>"}, params...), "&")
	s, err := NewSMTPSender(u.String())
	if err != nil {
		t.Fatal(err)
	}
	if roots := box.RootCAs(); roots != nil {
		s.TLSConfig = &tls.Config{RootCAs: roots}
	}
	return s
}

// render writes the message compose builds, as the relay would receive it.
func render(t *testing.T, s *SMTPSender, m Message) []byte {
	t.Helper()
	msg, err := s.compose(m, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSTARTTLSUsedWhenOffered: a plain smtp:// URL upgrades the session
// before anything of the message goes out.
func TestSTARTTLSUsedWhenOffered(t *testing.T) {
	ms := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
	if err := newSender(t, ms).Send(context.Background(), Message{Kind: "k", ToAddress: "a@example.org", Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	if got := ms.Messages(); len(got) != 1 || !got[0].TLS {
		t.Fatalf("received %+v, want one message over TLS", got)
	}
}

// TestSTARTTLSRequired: a relay that offers no STARTTLS gets nothing, the
// message waits for a retry, and the log names no address.
func TestSTARTTLSRequired(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ms := mailtest.Start(t)
		enqueue(t, db, Message{Kind: "registration.confirmed", ToAddress: "saruul@example.mn", Subject: "s", Body: "b"})
		var logs bytes.Buffer
		w := &Worker{DB: db, Sender: newSender(t, ms), Log: slog.New(slog.NewTextHandler(&logs, nil))}
		if sent, failed, err := w.RunOnce(context.Background()); err != nil || sent != 0 || failed != 1 {
			t.Fatalf("RunOnce = %d, %d, %v; want 1 failed", sent, failed, err)
		}
		if n := len(ms.Messages()) + len(ms.Refused()); n != 0 {
			t.Fatalf("the relay read %d messages in clear", n)
		}
		m := only(t, db)
		if m.SentAt != nil || m.Attempts != 1 || !strings.Contains(m.LastError, "STARTTLS") {
			t.Fatalf("after a relay without STARTTLS: sent_at %v, attempts %d, last_error %q", m.SentAt, m.Attempts, m.LastError)
		}
		if out := logs.String(); !strings.Contains(out, "STARTTLS") || strings.Contains(out, "example.mn") {
			t.Errorf("log: %s", out)
		}
	})
}

// TestTLSNone: tls=none sends in clear, even to a relay that offers STARTTLS.
func TestTLSNone(t *testing.T) {
	for _, mode := range []mailtest.TLS{mailtest.NoTLS, mailtest.StartTLS} {
		ms := mailtest.StartWith(t, mailtest.Options{TLS: mode})
		s := newSender(t, ms, "tls=none")
		if got := s.String(); got != "smtp://"+ms.Addr()+"?tls=none" {
			t.Errorf("String() = %s", got)
		}
		if err := s.Send(context.Background(), Message{Kind: "k", ToAddress: "a@example.org", Subject: "s", Body: "b"}); err != nil {
			t.Fatal(err)
		}
		if got := ms.Messages(); len(got) != 1 || got[0].TLS {
			t.Fatalf("server offering TLS %d received %+v, want one message in clear", mode, got)
		}
	}
}

// TestTLSAndAuth: credentials go with PLAIN over STARTTLS or smtps, only to
// a certificate the sender trusts.
func TestTLSAndAuth(t *testing.T) {
	for _, mode := range []mailtest.TLS{mailtest.StartTLS, mailtest.ImplicitTLS} {
		name := map[mailtest.TLS]string{mailtest.StartTLS: "starttls", mailtest.ImplicitTLS: "smtps"}[mode]
		t.Run(name, func(t *testing.T) {
			ms := mailtest.StartWith(t, mailtest.Options{TLS: mode, User: "gotong", Password: "s3cret:p@ss"})
			scheme := map[mailtest.TLS]string{mailtest.StartTLS: "smtp", mailtest.ImplicitTLS: "smtps"}[mode]
			s, err := NewSMTPSender(scheme + "://gotong:s3cret%3Ap%40ss@" + ms.Addr() + "?from=noreply@example.org")
			if err != nil {
				t.Fatal(err)
			}
			s.TLSConfig = &tls.Config{RootCAs: ms.RootCAs()}
			if strings.Contains(s.String(), "s3cret") {
				t.Fatalf("String() shows the password: %s", s)
			}
			if err := s.Send(context.Background(), Message{Kind: "k", ToAddress: "a@example.org", Subject: "Hello", Body: "Hi"}); err != nil {
				t.Fatal(err)
			}
			got := ms.Messages()
			if len(got) != 1 || !got[0].TLS || got[0].User != "gotong" {
				t.Fatalf("received %+v", got)
			}
			// Without trust in the certificate, nothing is sent.
			s.TLSConfig = nil
			if err := s.Send(context.Background(), Message{Kind: "k", ToAddress: "a@example.org", Subject: "Hello", Body: "Hi"}); err == nil {
				t.Fatal("sent over TLS to an untrusted certificate")
			}
			// A wrong password is refused.
			bad, _ := NewSMTPSender(scheme + "://gotong:wrong@" + ms.Addr() + "?from=noreply@example.org")
			bad.TLSConfig = &tls.Config{RootCAs: ms.RootCAs()}
			if err := bad.Send(context.Background(), Message{Kind: "k", ToAddress: "a@example.org", Subject: "Hello", Body: "Hi"}); err == nil || !strings.Contains(err.Error(), "AUTH") {
				t.Fatalf("wrong password: %v", err)
			}
			if n := len(ms.Messages()); n != 1 {
				t.Fatalf("server received %d messages, want 1", n)
			}
		})
	}
}

// TestMessageIDStableAcrossRetries: every attempt at a queued message
// carries the same Message-ID, so a recipient can tell a resend from a new
// message; a message without a queue id gets a fresh one.
func TestMessageIDStableAcrossRetries(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ms := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
		enqueue(t, db, Message{Kind: "k", ToAddress: "a@example.org", Subject: "Сайн уу", Body: "b"})
		clk := &clock{t: time.Now().UTC()}
		w := &Worker{DB: db, Sender: newSender(t, ms), Log: quiet, Now: clk.Now}
		ms.Refuse(false, true)
		if _, failed, err := w.RunOnce(context.Background()); err != nil || failed != 1 {
			t.Fatalf("first RunOnce: %d failed, %v", failed, err)
		}
		ms.Refuse(false, false)
		clk.Add(2 * time.Minute)
		if sent, _, err := w.RunOnce(context.Background()); err != nil || sent != 1 {
			t.Fatalf("second RunOnce: %d sent, %v", sent, err)
		}
		m := only(t, db)
		want := fmt.Sprintf("<gotong.outbox.%d.%d@gotong.example.org>", m.ID, m.CreatedAt.UnixMicro())
		// The first attempt was read and refused, the second accepted.
		seen := append(ms.Refused(), ms.Messages()...)
		if len(seen) != 2 {
			t.Fatalf("the relay read %d messages, want 2", len(seen))
		}
		for i, d := range seen {
			if got := d.Header.Get("Message-ID"); got != want {
				t.Errorf("attempt %d: Message-ID %q, want %q", i+1, got, want)
			}
		}
		s := newSender(t, ms)
		a, _ := mail.ReadMessage(bytes.NewReader(render(t, s, Message{ToAddress: "a@example.org"})))
		b, _ := mail.ReadMessage(bytes.NewReader(render(t, s, Message{ToAddress: "a@example.org"})))
		if ida, idb := a.Header.Get("Message-ID"), b.Header.Get("Message-ID"); ida == idb || !strings.HasPrefix(ida, "<gotong.") || !strings.HasSuffix(ida, "@gotong.example.org>") {
			t.Errorf("Message-IDs without a queue id: %q, %q", ida, idb)
		}
	})
}

func TestSendTimesOut(t *testing.T) {
	// A server that accepts the connection and never greets.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	s, err := NewSMTPSender("smtp://" + l.Addr().String() + "?from=noreply@example.org")
	if err != nil {
		t.Fatal(err)
	}
	// The sender's own bound, then the caller's (the worker's, or shutdown),
	// which must end the session whatever command is waiting.
	for _, c := range []struct {
		timeout, ctx time.Duration
	}{{300 * time.Millisecond, time.Hour}, {0, 300 * time.Millisecond}} {
		s.Timeout = c.timeout
		ctx, cancel := context.WithTimeout(context.Background(), c.ctx)
		start := time.Now()
		err = s.Send(ctx, Message{Kind: "k", ToAddress: "a@example.org", Subject: "s", Body: "b"})
		cancel()
		if err == nil || time.Since(start) > 3*time.Second {
			t.Fatalf("Send to a silent server with timeout %v, context %v = %v after %v", c.timeout, c.ctx, err, time.Since(start))
		}
	}
}

func TestNewSMTPSender(t *testing.T) {
	for _, raw := range []string{
		"",
		"mail.example.org",
		"smtp://",
		"smtp://?from=a@example.org",
		"smtp:///?from=a@example.org",
		"smtp://:25?from=a@example.org",
		"smtp:mail.example.org?from=a@example.org",
		"http://mail.example.org?from=a@example.org",
		"lmtp://mail.example.org?from=a@example.org",
		"smtp://mail.example.org",
		"smtp://mail.example.org:25",
		"smtp://mail.example.org?from=",
		"smtp://mail.example.org?from=not-an-address",
		"smtp://mail.example.org?form=a@example.org",
		"smtp://mail.example.org?from=a@example.org&tls=off",
		"smtp://mail.example.org?from=a@example.org&tls=",
		"smtp://mail.example.org?from=a@example.org&tls=starttls",
		"smtps://mail.example.org?from=a@example.org&tls=none",
		"smtp://mail.example.org:0?from=a@example.org",
		"smtp://mail.example.org:70000?from=a@example.org",
		"smtp://mail.example.org/inbox?from=a@example.org",
		"smtp://user@mail.example.org?from=a@example.org",
		"smtp://mail.example.org?from=a@example.org&helo=",
		"smtp://user:s3cret@mail.example.org:port?from=a@example.org",
		"smtp://user:s3cret@mail.example.org?from=%zz",
	} {
		s, err := NewSMTPSender(raw)
		if err == nil {
			t.Errorf("NewSMTPSender(%q) = %v, want an error", raw, s)
			continue
		}
		if !strings.HasPrefix(err.Error(), "outbox: ") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("NewSMTPSender(%q) error %q", raw, err)
		}
	}
	for raw, want := range map[string]struct{ addr, from, str string }{
		"smtp://mail.example.org?from=noreply@example.org":                          {"mail.example.org:587", "noreply@example.org", "smtp://mail.example.org:587"},
		"smtps://u:p@mail.example.org?from=noreply+camp@example.org":                {"mail.example.org:465", "noreply+camp@example.org", "smtps://u@mail.example.org:465"},
		"smtp://u:p@[::1]:2525/?from=Gotong%20%3Cnoreply@example.org%3E&helo=n1.io": {"[::1]:2525", "noreply@example.org", "smtp://u@[::1]:2525"},
		"smtp://127.0.0.1:25?tls=none&from=noreply@example.org":                     {"127.0.0.1:25", "noreply@example.org", "smtp://127.0.0.1:25?tls=none"},
	} {
		s, err := NewSMTPSender(raw)
		if err != nil {
			t.Errorf("NewSMTPSender(%q): %v", raw, err)
			continue
		}
		if s.addr != want.addr || s.from.Address != want.from || s.String() != want.str {
			t.Errorf("NewSMTPSender(%q) = addr %s, from %s, %s", raw, s.addr, s.from.Address, s)
		}
	}
}

func TestHeaderInjection(t *testing.T) {
	s, err := NewSMTPSender("smtp://mail.example.org?from=noreply@example.org")
	if err != nil {
		t.Fatal(err)
	}
	raw := render(t, s, Message{ToAddress: "a@example.org", Subject: "Hi\r\nBcc: victim@example.org", Body: "b", Locale: "mn\r\nX: y"})
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Bcc") != "" || msg.Header.Get("X") != "" || msg.Header.Get("Content-Language") != "" {
		t.Fatalf("injected headers: %v", msg.Header)
	}
	if got := msg.Header.Get("Subject"); got != "Hi  Bcc: victim@example.org" {
		t.Fatalf("Subject = %q", got)
	}
}

// TestSubjectStaysOneHeader: whatever line break or control character a
// subject holds (an activity title an older database kept), the message
// has one Subject header, every header line is a header or the fold of
// one, and the decoded subject holds no control character.
func TestSubjectStaysOneHeader(t *testing.T) {
	s, err := NewSMTPSender("smtp://mail.example.org?from=noreply@example.org")
	if err != nil {
		t.Fatal(err)
	}
	for _, subject := range []string{
		"Camp\r\nBcc: victim@example.org", "Camp\rBcc: victim@example.org", "Camp\nBcc: victim@example.org",
		"Camp\u2028Bcc: victim@example.org", "Camp\u0085Bcc: victim@example.org", "Camp\x00\x1b\x7f\u009bBcc: victim@example.org",
		"Зуслан\r\nBcc: victim@example.org", "Зуслан\xff\rBcc: victim@example.org",
	} {
		raw := render(t, s, Message{ToAddress: "a@example.org", Subject: subject, Body: "b"})
		head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
		subjects := 0
		for _, line := range strings.Split(head, "\r\n") {
			if strings.ContainsAny(line, "\r\n") {
				t.Errorf("%q: a bare line break in %q", subject, line)
			}
			// A header may fold before its first word: "Subject:" alone is one.
			if name, _, ok := strings.Cut(line, ":"); !ok && !strings.HasPrefix(line, " ") || strings.ContainsAny(name, " \t") && !strings.HasPrefix(line, " ") || strings.EqualFold(name, "Bcc") {
				t.Errorf("%q: header line %q", subject, line)
			} else if name == "Subject" {
				subjects++
			}
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || subjects != 1 || len(msg.Header["Subject"]) != 1 || msg.Header.Get("Bcc") != "" {
			t.Errorf("%q: %d subjects, headers %v (%v)", subject, subjects, msg.Header, err)
		}
		if strings.IndexFunc(got, func(r rune) bool { return r < ' ' || r >= 0x7f && r <= 0x9f || r == '\u2028' }) >= 0 ||
			!strings.HasSuffix(got, "Bcc: victim@example.org") {
			t.Errorf("%q: decoded subject %q", subject, got)
		}
	}
}

// TestCheckUnsubscribeURL: only an absolute http(s) URL that the header
// can carry as it is.
func TestCheckUnsubscribeURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{
		"https://gotong.example.org/u/AbC-123_x.y~z",
		"http://127.0.0.1:8080/u/abc?lang=mn&x=%20",
		"HTTPS://gotong.example.org/u/abc",
		"https://[::1]:8443/u/abc#top",
		"https://gotong.example.org/u/" + strings.Repeat("a", 900-len("https://gotong.example.org/u/")),
	} {
		if err := checkUnsubscribeURL(ok); err != nil {
			t.Errorf("checkUnsubscribeURL(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{
		"/u/abc", "gotong.example.org/u/abc", "//gotong.example.org/u/abc", "https://", "https:///u/abc",
		"https:gotong.example.org/u/abc", "mailto:unsubscribe@example.org", "ftp://gotong.example.org/u/abc",
		"javascript:alert(1)", "https://gotong.example.org/u/a>,<mailto:x@example.org",
		"https://gotong.example.org/u/<abc", "https://gotong.example.org/u/a b", "https://gotong.example.org/u/a\tb",
		"https://gotong.example.org/u/a\r\nBcc: victim@example.org", "https://gotong.example.org/u/a\nb",
		"https://gotong.example.org/u/a\x00", "https://gotong.example.org/u/a\x7f", "https://gotong.example.org/u/зуслан",
		"https://gotong.example.org/u/\xff", "https://gotong.example.org/u/%zz", " https://gotong.example.org/u/a",
		"https://gotong.example.org/u/" + strings.Repeat("a", 901-len("https://gotong.example.org/u/")),
	} {
		err := checkUnsubscribeURL(bad)
		if err == nil {
			t.Errorf("checkUnsubscribeURL(%q) accepted it", bad)
			continue
		}
		// The URL holds a person's token: the error, which is logged, never shows it.
		if !strings.HasPrefix(err.Error(), "outbox: ") || strings.Contains(err.Error(), "gotong.example.org") {
			t.Errorf("checkUnsubscribeURL(%q) = %q", bad, err)
		}
	}
}

// FuzzListUnsubscribe: whatever the value, compose refuses it or the
// message carries it as one List-Unsubscribe header, exactly, beside the
// RFC 8058 and bulk headers, and nothing else is added; no value adds none.
func FuzzListUnsubscribe(f *testing.F) {
	for _, seed := range []string{"", "https://gotong.example.org/u/abc", "https://x/u/a\r\nBcc: v@example.org", "https://x/u/a>, <https://y", "https://x/" + strings.Repeat("ü", 40)} {
		f.Add(seed)
	}
	s, err := NewSMTPSender("smtp://mail.example.org?from=noreply@example.org")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v string) {
		msg, err := s.compose(Message{ToAddress: "a@example.org", Subject: "s", Body: "b", ListUnsubscribe: v}, time.Now())
		if err != nil {
			return
		}
		var b bytes.Buffer
		if _, err := msg.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		parsed, err := mail.ReadMessage(&b)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		h := parsed.Header
		if v == "" {
			if len(h) != 9 || h.Get("List-Unsubscribe")+h.Get("List-Unsubscribe-Post")+h.Get("Precedence") != "" {
				t.Fatalf("no URL: header %q", h)
			}
			return
		}
		if len(h) != 12 || len(h["List-Unsubscribe"]) != 1 || h.Get("List-Unsubscribe") != "<"+v+">" ||
			h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || h.Get("Precedence") != "bulk" {
			t.Fatalf("%q: header %q", v, h)
		}
	})
}

// TestUnsubscribeHeadersArrive: a mailing's message reaches the relay with
// the RFC 8058 headers exactly, also when the URL is long enough to fold,
// and a Message-ID of its own; an outbox notice has none of them.
func TestUnsubscribeHeadersArrive(t *testing.T) {
	t.Parallel()
	box := mailtest.StartWith(t, mailtest.Options{TLS: mailtest.StartTLS})
	s := newSender(t, box)
	created := time.Date(2027, 3, 1, 8, 30, 0, 123456000, time.UTC)
	short := "https://gotong.example.org/u/AbC-123"
	long := "https://gotong.example.org/u/" + strings.Repeat("Zx9-", 30) + "?lang=mn"
	for i, u := range []string{short, long} {
		m := Message{ID: 42 + int64(i), CreatedAt: created, Kind: KindMailing, Locale: "mn", ToAddress: "saruul@example.mn",
			Subject: "Зуслан", Body: "b", ListUnsubscribe: u}
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Send(context.Background(), Message{ID: 42, CreatedAt: created, Kind: "registration.confirmed", ToAddress: "saruul@example.mn", Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	got := box.Messages()
	if len(got) != 3 {
		t.Fatalf("%d messages, want 3", len(got))
	}
	for i, u := range []string{short, long} {
		h := got[i].Header
		for k, want := range map[string]string{
			"List-Unsubscribe":      "<" + u + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"Precedence":            "bulk",
			"Message-ID":            fmt.Sprintf("<gotong.mailing.%d.%d@gotong.example.org>", 42+i, created.UnixMicro()),
		} {
			if vs := h[textproto.CanonicalMIMEHeaderKey(k)]; len(vs) != 1 || vs[0] != want {
				t.Errorf("message %d: %s = %q, want %q", i, k, vs, want)
			}
		}
		raw := string(got[i].Raw)
		if !strings.Contains(raw, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") || !strings.Contains(raw, "\r\nPrecedence: bulk\r\n") {
			t.Errorf("message %d, raw:\n%s", i, raw)
		}
	}
	if raw := string(got[0].Raw); !strings.Contains(raw, "\r\nList-Unsubscribe: <"+short+">\r\n") {
		t.Errorf("short URL not on one line:\n%s", raw)
	}
	h := got[2].Header
	if h.Get("List-Unsubscribe") != "" || h.Get("List-Unsubscribe-Post") != "" || h.Get("Precedence") != "" ||
		h.Get("Message-ID") != fmt.Sprintf("<gotong.outbox.42.%d@gotong.example.org>", created.UnixMicro()) {
		t.Errorf("an outbox notice: %q", h)
	}
}

// TestBadUnsubscribeRefused: a value that is not an absolute http(s) URL
// fails the send before anything goes to the relay.
func TestBadUnsubscribeRefused(t *testing.T) {
	t.Parallel()
	box := mailtest.Start(t)
	s := newSender(t, box, "tls=none")
	for _, bad := range []string{"/u/abc", "mailto:x@example.org", "https://gotong.example.org/u/a>, <https://evil.example"} {
		err := s.Send(context.Background(), Message{Kind: KindMailing, ToAddress: "a@example.org", Subject: "s", Body: "b", ListUnsubscribe: bad})
		if err == nil || !strings.Contains(err.Error(), "List-Unsubscribe") {
			t.Errorf("ListUnsubscribe %q: %v", bad, err)
		}
	}
	if n, m := box.Sessions(), len(box.Messages())+len(box.Refused()); n != 0 || m != 0 {
		t.Fatalf("%d connections, %d messages for refused values", n, m)
	}
}
