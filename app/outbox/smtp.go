package outbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/usertext"
)

// SMTPSender delivers through one SMTP relay, named by a URL such as
// smtp://user:pass@host:587?from=noreply@example.org. smtp:// upgrades with
// STARTTLS when the server offers it; smtps:// speaks TLS from the start.
// Credentials are never sent in clear text to a host other than loopback
// (net/smtp's PlainAuth refuses), so a relay that offers no TLS fails loudly.
type SMTPSender struct {
	// Timeout bounds one delivery when the caller's context allows longer.
	Timeout time.Duration
	// TLSConfig replaces the default (verify the certificate against the host),
	// for a private CA.
	TLSConfig *tls.Config

	scheme      string
	host        string // without port, for TLS verification and PlainAuth
	addr        string // host:port
	user, pass  string
	from        *mail.Address
	helo        string
	messageHost string // right-hand side of Message-IDs
}

// NewSMTPSender parses and checks rawURL. Query parameters: from (required,
// an address, optionally with a display name) and helo (the name given in
// EHLO, default "localhost"). Values are percent-decoded and a "+" stays a
// "+", since addresses use it. The default port is 587 for smtp and 465 for
// smtps.
func NewSMTPSender(rawURL string) (*SMTPSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error quotes the whole URL, password included: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("outbox: invalid SMTP URL: %v", err)
	}
	s := &SMTPSender{Timeout: 30 * time.Second, scheme: u.Scheme, helo: "localhost"}
	port := ""
	switch u.Scheme {
	case "smtp":
		port = "587"
	case "smtps":
		port = "465"
	default:
		return nil, fmt.Errorf("outbox: SMTP URL scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, errors.New("outbox: SMTP URL has no host (want smtp://host:port?from=…)")
	}
	if s.host = u.Hostname(); s.host == "" {
		return nil, errors.New("outbox: SMTP URL has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("outbox: SMTP URL port %q is out of range", p)
		}
		port = p
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("outbox: SMTP URL must have no path, has %q", u.Path)
	}
	if u.Fragment != "" {
		return nil, errors.New("outbox: SMTP URL must have no fragment")
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		if s.user == "" || s.pass == "" {
			return nil, errors.New("outbox: SMTP URL needs both a user and a password, or neither")
		}
	}
	from := ""
	for _, kv := range strings.Split(u.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if v, err = url.PathUnescape(v); err != nil {
			return nil, fmt.Errorf("outbox: SMTP URL parameter %s: %v", k, err)
		}
		switch k {
		case "from":
			from = v
		case "helo":
			s.helo = v
		default:
			return nil, fmt.Errorf("outbox: SMTP URL has unknown parameter %q (known: from, helo)", k)
		}
	}
	if from == "" {
		return nil, errors.New("outbox: SMTP URL needs the sender address: ?from=noreply@example.org")
	}
	if s.from, err = mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("outbox: SMTP URL from=%q is not an address: %v", from, err)
	}
	if s.helo == "" || strings.ContainsAny(s.helo, " \t\r\n") {
		return nil, fmt.Errorf("outbox: SMTP URL helo=%q is not a host name", s.helo)
	}
	s.messageHost = "gotong.invalid"
	if at := strings.LastIndexByte(s.from.Address, '@'); at >= 0 && isASCII(s.from.Address[at+1:]) {
		s.messageHost = s.from.Address[at+1:]
	}
	return s, nil
}

// String names the relay without its password, for logs.
func (s *SMTPSender) String() string {
	u := url.URL{Scheme: s.scheme, Host: s.addr}
	if s.user != "" {
		u.User = url.User(s.user)
	}
	return u.String()
}

// Send delivers m in one SMTP session. A nil error means the relay accepted it.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	to, err := mail.ParseAddress(m.ToAddress)
	if err != nil {
		return fmt.Errorf("outbox: invalid recipient: %v", err)
	}
	msg, err := s.compose(m, to.Address, time.Now())
	if err != nil {
		return err
	}
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	if err := s.deliver(ctx, to.Address, msg); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("outbox: SMTP %s: %w (%v)", s.addr, ctx.Err(), err)
		}
		return fmt.Errorf("outbox: SMTP %s: %w", s.addr, err)
	}
	return nil
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	if s.TLSConfig != nil {
		c := s.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = s.host
		}
		return c
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

func (s *SMTPSender) deliver(ctx context.Context, rcpt string, msg []byte) error {
	var conn net.Conn
	var err error
	if s.scheme == "smtps" {
		d := tls.Dialer{Config: s.tlsConfig()}
		conn, err = d.DialContext(ctx, "tcp", s.addr)
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return err
	}
	// net/smtp knows no context: a deadline bounds a slow server and closing
	// the connection ends the session when ctx is cancelled.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		_ = conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(s.helo); err != nil {
		return err
	}
	if s.scheme == "smtp" {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return fmt.Errorf("STARTTLS: %w", err)
			}
		}
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	// The relay has accepted the message; a failed QUIT must not resend it.
	_ = c.Quit()
	return nil
}

// compose renders m as an RFC 5322 message with a quoted-printable UTF-8 body.
// The Message-ID is stable for a queued message, so that a resend after an
// unrecorded success can be recognised as the same message by the recipient.
func (s *SMTPSender) compose(m Message, to string, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	// No value may end its line early: whatever the queue holds, a header
	// stays one header.
	header := func(name, value string) { b.WriteString(fold(name + ": " + usertext.OneLine(value))) }
	header("From", s.from.String())
	header("To", to)
	header("Subject", encodeHeader(m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", s.messageID(m))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// Notices are automatic: ask vacation responders not to answer (RFC 3834).
	header("Auto-Submitted", "auto-generated")
	if isLanguageTag(m.Locale) {
		header("Content-Language", m.Locale)
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ToValidUTF8(m.Body, "\uFFFD"))); err != nil {
		return nil, fmt.Errorf("outbox: unable to encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("outbox: unable to encode body: %w", err)
	}
	return b.Bytes(), nil
}

func (s *SMTPSender) messageID(m Message) string {
	if m.ID != 0 {
		return fmt.Sprintf("<gotong.outbox.%d.%d@%s>", m.ID, m.CreatedAt.UnixMicro(), s.messageHost)
	}
	r := make([]byte, 12)
	_, _ = rand.Read(r)
	return fmt.Sprintf("<gotong.%s@%s>", hex.EncodeToString(r), s.messageHost)
}

// encodeHeader makes an unstructured header value safe: line breaks become
// spaces and control characters go (no header injection, nor a line break
// that a client decodes from an encoded word), and non-ASCII text becomes
// RFC 2047 words.
func encodeHeader(v string) string {
	v = usertext.OneLine(v)
	if isASCII(v) {
		return v
	}
	// Base64 is a third shorter than Q for Cyrillic.
	return mime.BEncoding.Encode("UTF-8", v)
}

// fold ends a header line with CRLF, breaking it before spaces so that lines
// stay near 78 characters (RFC 5322 §2.2.3); unfolding restores the value.
func fold(line string) string {
	var b strings.Builder
	n := 0
	for len(line) > 0 {
		chunk := line
		if i := strings.IndexByte(line[1:], ' '); i >= 0 {
			chunk = line[:i+1]
		}
		if n > 0 && chunk[0] == ' ' && n+len(chunk) > 78 {
			b.WriteString("\r\n")
			n = 0
		}
		b.WriteString(chunk)
		n += len(chunk)
		line = line[len(chunk):]
	}
	b.WriteString("\r\n")
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] < ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

// isLanguageTag accepts BCP 47-looking tags ("mn", "pt-BR"), nothing that
// could break a header.
func isLanguageTag(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
