package outbox

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/usertext"
	gomail "github.com/wneessen/go-mail"
)

// SMTPSender delivers through one SMTP relay, named by a URL such as
// smtp://user:pass@host:587?from=noreply@example.org. smtp:// requires
// STARTTLS: a relay that does not offer it gets nothing, not even the
// credentials, and the message waits for a retry. smtp://…?tls=none speaks in
// clear, for a relay on the same host; smtps:// speaks TLS from the start.
// Credentials go only over TLS or to loopback (PLAIN refuses otherwise).
type SMTPSender struct {
	// Timeout bounds one delivery when the caller's context allows longer.
	Timeout time.Duration
	// TLSConfig replaces the default (verify the certificate against the host
	// with the system's roots), for a private CA: set its RootCAs.
	TLSConfig *tls.Config

	scheme      string
	plain       bool   // tls=none: no STARTTLS even when offered
	host        string // without port, for TLS verification and PLAIN
	port        int
	addr        string // host:port
	user, pass  string
	from        *mail.Address
	helo        string
	messageHost string // right-hand side of Message-IDs
}

// NewSMTPSender parses and checks rawURL. Query parameters: from (required,
// an address, optionally with a display name), helo (the name given in
// EHLO, default "localhost") and tls=none (smtp:// only: send in clear, for
// a relay on the same host). Values are percent-decoded and a "+" stays a
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
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port = 465
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
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("outbox: SMTP URL port %q is out of range", p)
		}
		s.port = n
	}
	s.addr = net.JoinHostPort(s.host, strconv.Itoa(s.port))
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
		case "tls":
			if v != "none" {
				return nil, fmt.Errorf("outbox: SMTP URL tls=%q: the only value is none (smtp:// requires STARTTLS otherwise)", v)
			}
			if u.Scheme != "smtp" {
				return nil, errors.New("outbox: SMTP URL tls=none applies to smtp://, not smtps://")
			}
			s.plain = true
		default:
			return nil, fmt.Errorf("outbox: SMTP URL has unknown parameter %q (known: from, helo, tls)", k)
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
	if s.plain {
		u.RawQuery = "tls=none"
	}
	return u.String()
}

// Send delivers m in one SMTP session. A nil error means the relay accepted it.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, err := s.compose(m, time.Now())
	if err != nil {
		return err
	}
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	client, stop, err := s.client(ctx)
	if err != nil {
		return err
	}
	defer stop()
	err = client.DialAndSendWithContext(ctx, msg)
	if err != nil && msg.IsDelivered() {
		// The relay accepted the message and only RSET or QUIT failed after:
		// sending it again would duplicate it.
		return nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("outbox: SMTP %s: %w (%v)", s.addr, ctx.Err(), err)
		}
		return fmt.Errorf("outbox: SMTP %s: %w", s.addr, err)
	}
	return nil
}

// client makes a go-mail client for one session. Its dialer ties the
// connection to ctx, which go-mail uses only while dialing: cancelling ctx
// (shutdown, or the worker's bound on a send) closes the connection
// whichever command is waiting. stop releases that tie.
func (s *SMTPSender) client(ctx context.Context) (*gomail.Client, func(), error) {
	tlsConfig := s.tlsConfig()
	stop := func() bool { return false }
	// go-mail joins host and port without brackets, which breaks IPv6
	// literals: dial s.addr, which net.JoinHostPort made.
	dial := func(dialCtx context.Context, network, _ string) (net.Conn, error) {
		var conn net.Conn
		var err error
		if s.scheme == "smtps" {
			d := tls.Dialer{Config: tlsConfig}
			conn, err = d.DialContext(dialCtx, network, s.addr)
		} else {
			var d net.Dialer
			conn, err = d.DialContext(dialCtx, network, s.addr)
		}
		if err != nil {
			return nil, err
		}
		stop = context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithHELO(s.helo),
		gomail.WithTLSConfig(tlsConfig),
		gomail.WithDialContextFunc(dial),
		// One message per session: NOOP before it and RSET after it only
		// cost round trips.
		gomail.WithoutNoop(),
		gomail.WithoutRset(),
	}
	switch {
	case s.scheme == "smtps":
		// The dialer speaks TLS; go-mail must not try STARTTLS on top.
		opts = append(opts, gomail.WithSSL())
	case s.plain:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.Timeout > 0 {
		opts = append(opts, gomail.WithTimeout(s.Timeout))
	}
	if s.user != "" {
		// PLAIN, not auto-discovery: it refuses to send the password in
		// clear to anything but loopback, whatever the relay announces.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(s.user), gomail.WithPassword(s.pass))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("outbox: SMTP %s: %w", s.addr, err)
	}
	return c, func() { stop() }, nil
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

// compose builds m as a UTF-8 plain-text message: words of headers in
// base64 (a third shorter than Q for Cyrillic), the body quoted-printable.
// The Message-ID is stable for a queued message, so that a resend after an
// unrecorded success can be recognised as the same message by the recipient.
func (s *SMTPSender) compose(m Message, now time.Time) (*gomail.Msg, error) {
	to, err := mail.ParseAddress(m.ToAddress)
	if err != nil {
		return nil, fmt.Errorf("outbox: invalid recipient: %v", err)
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingB64),
		gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(&mail.Address{Address: to.Address})
	// No value may end its line early: whatever the queue holds, a header
	// stays one header.
	msg.Subject(usertext.OneLine(m.Subject))
	msg.SetDateWithValue(now)
	msg.SetMessageIDWithValue(s.messageID(m))
	// Notices are automatic: ask vacation responders not to answer (RFC 3834).
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if m.ListUnsubscribe != "" {
		if err := checkUnsubscribeURL(m.ListUnsubscribe); err != nil {
			return nil, err
		}
		// One-click unsubscribe (RFC 8058): a mail program POSTs the second
		// header's value to the URL.
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.ListUnsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
		msg.SetGenHeader(gomail.HeaderPrecedence, "bulk")
	}
	if isLanguageTag(m.Locale) {
		msg.SetGenHeader(gomail.HeaderContentLang, m.Locale)
	}
	msg.SetBodyString(gomail.TypeTextPlain, strings.ToValidUTF8(m.Body, "\uFFFD"),
		gomail.WithPartEncoding(gomail.EncodingQP))
	return msg, nil
}

// maxUnsubscribeURL keeps the List-Unsubscribe header, folded onto a line
// of its own, within the 998 characters a line of mail may hold.
const maxUnsubscribeURL = 900

// errUnsubscribeURL does not quote the URL: it holds a person's token.
var errUnsubscribeURL = errors.New("outbox: List-Unsubscribe must be an absolute http(s) URL of printable ASCII, without spaces or angle brackets, at most 900 characters")

// checkUnsubscribeURL accepts an absolute http(s) URL of printable ASCII
// without spaces or angle brackets, which the header carries as it is.
func checkUnsubscribeURL(raw string) error {
	if len(raw) > maxUnsubscribeURL {
		return errUnsubscribeURL
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' {
			return errUnsubscribeURL
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Opaque != "" || u.Host == "" {
		return errUnsubscribeURL
	}
	return nil
}

// messageID is the Message-ID without its angle brackets. A mailing's
// message and an outbox row may share an id, so they differ in the name.
func (s *SMTPSender) messageID(m Message) string {
	if m.ID != 0 {
		source := "outbox"
		if m.Kind == KindMailing {
			source = "mailing"
		}
		return fmt.Sprintf("gotong.%s.%d.%d@%s", source, m.ID, m.CreatedAt.UnixMicro(), s.messageHost)
	}
	r := make([]byte, 12)
	_, _ = rand.Read(r)
	return fmt.Sprintf("gotong.%s@%s", hex.EncodeToString(r), s.messageHost)
}

// isASCII says whether s is printable ASCII, fit for the right-hand side of
// a Message-ID.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] < ' ' {
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
