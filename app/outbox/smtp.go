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
	"github.com/wneessen/go-mail/smtp"
)

// SMTPSender delivers through one SMTP relay, named by a URL such as
// smtp://user:pass@host:587?from=noreply@example.org. smtp:// requires
// STARTTLS: a relay that does not offer it gets nothing, not even the
// credentials, and the message waits for a retry. smtp://…?tls=none speaks in
// clear, for a relay on the same host; smtps:// speaks TLS from the start.
// Credentials go only over TLS or to loopback (PLAIN refuses otherwise).
type SMTPSender struct {
	// Timeout bounds one delivery, and the connecting of a session and each
	// of its sends, when the caller's context allows longer.
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

// Send delivers m over a connection of its own. A nil error means the relay
// accepted it.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, err := s.compose(m, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ss, err := s.open(ctx)
	if err != nil {
		return err
	}
	// QUIT after the message changes nothing about it.
	defer func() { _ = ss.Close() }()
	return ss.deliver(ctx, msg)
}

// Open connects to the relay for a Session: greeting, STARTTLS and AUTH
// once for all the messages sent over it. Cancelling ctx during Open closes
// the connection; after Open, ctx no longer matters.
func (s *SMTPSender) Open(ctx context.Context) (Session, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.open(ctx)
}

// bound applies Timeout to ctx.
func (s *SMTPSender) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.Timeout > 0 {
		return context.WithTimeout(ctx, s.Timeout)
	}
	return context.WithCancel(ctx)
}

// fail wraps err from the relay, naming the cancellation when ctx ended,
// since closing the connection shows only as a network error.
func (s *SMTPSender) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("outbox: SMTP %s: %w (%v)", s.addr, ctx.Err(), err)
	}
	return fmt.Errorf("outbox: SMTP %s: %w", s.addr, err)
}

// ErrSessionBroken is what a Session of SMTPSender returns, without trying,
// once a send left its connection unusable (dropped, timed out, cancelled,
// no answer to RSET) or after Close: the caller opens a new one.
var ErrSessionBroken = errors.New("outbox: the SMTP connection is closed; open a new session")

// quitTimeout bounds the QUIT that ends a session: the messages are sent
// by then, so a slow relay is not waited for.
const quitTimeout = 5 * time.Second

// smtpSession is one connection to the relay. It is not safe for
// concurrent use.
type smtpSession struct {
	s      *SMTPSender
	client *gomail.Client
	sc     *smtp.Client
	conn   net.Conn // the connection under sc, closed when a ctx ends
	broken bool
	closed bool
}

// open dials and greets the relay. Cancelling ctx while it does (shutdown,
// or the caller's bound) closes the connection whichever command waits.
func (s *SMTPSender) open(ctx context.Context) (*smtpSession, error) {
	ss := &smtpSession{s: s}
	untie := func() bool { return true }
	client, err := s.client(func(conn net.Conn) {
		ss.conn = conn
		untie = context.AfterFunc(ctx, func() { _ = conn.Close() })
	})
	if err != nil {
		return nil, err
	}
	ss.client = client
	ss.sc, err = client.DialToSMTPClientWithContext(ctx)
	if !untie() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		if ss.conn != nil {
			_ = ss.conn.Close()
		}
		return nil, s.fail(ctx, err)
	}
	return ss, nil
}

// Send composes m and sends it on the session's connection, bounded by ctx
// and the sender's Timeout; cancelling ctx closes the connection. A nil
// error means the relay accepted it. After a refusal the connection serves
// the next message; once it broke, Send returns ErrSessionBroken.
func (ss *smtpSession) Send(ctx context.Context, m Message) error {
	if ss.broken {
		return ErrSessionBroken
	}
	msg, err := ss.s.compose(m, time.Now())
	if err != nil {
		return err
	}
	return ss.deliver(ctx, msg)
}

// deliver sends msg on the connection, the one path of Send and of a
// session's sends.
func (ss *smtpSession) deliver(ctx context.Context, msg *gomail.Msg) error {
	if ss.broken {
		return ErrSessionBroken
	}
	ctx, cancel := ss.s.bound(ctx)
	defer cancel()
	untie := context.AfterFunc(ctx, func() { _ = ss.conn.Close() })
	err := ss.client.SendWithSMTPClient(ss.sc, msg)
	if err != nil && !msg.IsDelivered() && ctx.Err() == nil && ss.sc.Reset() != nil {
		// A refusal leaves the connection usable; one that no longer
		// answers RSET (also ending a transaction a refused DATA left) is not.
		ss.broken = true
	}
	if !untie() || ctx.Err() != nil || err != nil && msg.IsDelivered() {
		ss.broken = true
	}
	if ss.broken {
		ss.close()
	}
	if err != nil && msg.IsDelivered() {
		// The relay accepted the message and only what followed failed:
		// sending it again would duplicate it.
		return nil
	}
	if err != nil {
		return ss.s.fail(ctx, err)
	}
	return nil
}

// Close says QUIT and closes the connection.
func (ss *smtpSession) Close() error {
	if ss.closed {
		return nil
	}
	ss.broken = true
	_ = ss.sc.UpdateDeadline(quitTimeout)
	err := ss.sc.Quit()
	ss.close()
	if err != nil {
		return fmt.Errorf("outbox: SMTP %s: QUIT: %w", ss.s.addr, err)
	}
	return nil
}

func (ss *smtpSession) close() {
	ss.closed = true
	_ = ss.conn.Close()
}

// client makes a go-mail client for one connection; dialed is given the
// connection as soon as it exists, so the caller can tie it to a context
// (go-mail uses its own only while dialing).
func (s *SMTPSender) client(dialed func(net.Conn)) (*gomail.Client, error) {
	tlsConfig := s.tlsConfig()
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
		dialed(conn)
		return conn, nil
	}
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithHELO(s.helo),
		gomail.WithTLSConfig(tlsConfig),
		gomail.WithDialContextFunc(dial),
		// A message ends its transaction, so RSET after it and NOOP before
		// the next only cost round trips; a failure is followed by RSET
		// (deliver), which also tells whether the connection still serves.
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
		return nil, fmt.Errorf("outbox: SMTP %s: %w", s.addr, err)
	}
	return c, nil
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
