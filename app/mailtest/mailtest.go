// Package mailtest is a real SMTP server for tests (go-smtp, on loopback):
// it keeps every message it accepts and reads it as a person's mail program
// would, subject and text decoded, so that a test checks the mail people get
// and follows its links.
//
//	box := mailtest.Start(t)
//	sender, err := outbox.NewSMTPSender(box.URL())
//	… the code under test sends …
//	m := box.WaitFor(t, "saraa@example.org", 1, 5*time.Second)[0]
//	res := client.get(m.Link(t, "/v/")) // the one link a person would click
//
// Like testdb, it is an ordinary package that only tests import.
package mailtest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// From is the sender address in the URL of a Server.
const From = "gotong@example.org"

// TLS is how a Server offers TLS.
type TLS int

const (
	// NoTLS offers no TLS: the sender must be told tls=none.
	NoTLS TLS = iota
	// StartTLS offers STARTTLS over a certificate for 127.0.0.1 that only
	// RootCAs trusts.
	StartTLS
	// ImplicitTLS speaks TLS from the start (smtps), over that certificate.
	ImplicitTLS
)

// Options change a Server from the plain default of Start.
type Options struct {
	TLS TLS
	// User and Password, when set, are required with AUTH PLAIN before MAIL.
	User, Password string
}

// Server is an SMTP server on 127.0.0.1 that keeps what it receives. Its
// methods are safe to call while it receives.
type Server struct {
	opts  Options
	addr  string
	roots *x509.CertPool
	t     testing.TB

	mu       sync.Mutex
	closed   bool          // the test is over: no more reports to t
	done     chan struct{} // closed when the test is over, to free held commands
	arrived  chan struct{} // closed and replaced whenever a message arrives
	accepted []Mail
	refused  []Mail
	refRcpt  bool
	refData  bool
	refTo    map[string]bool // recipients refused, in lower case
	sessions int             // connections accepted
	conns    map[*conn]bool  // connections open
	hold     *hold
}

// hold is a HoldAfter: MAIL commands wait once after messages have arrived.
type hold struct {
	after    int
	held     chan struct{} // closed when a MAIL first waits
	released chan struct{}
	heldOnce sync.Once
	relOnce  sync.Once
}

// Start serves plain SMTP on 127.0.0.1 until the test ends.
func Start(t testing.TB) *Server { return StartWith(t, Options{}) }

// StartWith serves SMTP on 127.0.0.1 as o says until the test ends.
func StartWith(t testing.TB, o Options) *Server {
	t.Helper()
	box := &Server{opts: o, t: t, arrived: make(chan struct{}), done: make(chan struct{}), conns: map[*conn]bool{}}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{box: box, conn: c}, nil
	}))
	s.Domain = "mail.test"
	s.EnableSMTPUTF8 = true
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.ErrorLog = errorLog{box}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var l net.Listener = listener{tcp, box}
	switch o.TLS {
	case NoTLS:
	case StartTLS:
		cert, roots := testCert()
		s.TLSConfig, box.roots = &tls.Config{Certificates: []tls.Certificate{cert}}, roots
	case ImplicitTLS:
		cert, roots := testCert()
		box.roots = roots
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}})
	default:
		_ = tcp.Close()
		t.Fatalf("mailtest: unknown TLS mode %d", o.TLS)
	}
	box.addr = l.Addr().String()
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() {
		box.mu.Lock()
		box.closed = true
		close(box.done)
		box.mu.Unlock()
		_ = s.Close()
	})
	return box
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// URL is a GOTONG_SMTP_URL for the server, sending from From, with the
// credentials of its Options. Over TLS the sender must also trust RootCAs.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.addr, RawQuery: "from=" + From}
	switch s.opts.TLS {
	case NoTLS:
		u.RawQuery = "tls=none&" + u.RawQuery
	case ImplicitTLS:
		u.Scheme = "smtps"
	}
	if s.opts.User != "" {
		u.User = url.UserPassword(s.opts.User, s.opts.Password)
	}
	return u.String()
}

// RootCAs trusts the server's certificate; nil without TLS.
func (s *Server) RootCAs() *x509.CertPool { return s.roots }

// Refuse makes the server refuse what comes next: each recipient with a
// temporary 450 when rcpt, each message after reading it with a permanent
// 554 when data. Refuse(false, false) accepts again.
func (s *Server) Refuse(rcpt, data bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refRcpt, s.refData = rcpt, data
}

// RefuseRecipients makes the server refuse each of addrs (compared without
// regard to case) with a temporary 450 at RCPT, and accept the others;
// RefuseRecipients() accepts all again. It replaces the previous list.
func (s *Server) RefuseRecipients(addrs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refTo = map[string]bool{}
	for _, a := range addrs {
		s.refTo[strings.ToLower(a)] = true
	}
}

// Sessions is how many connections the server has accepted: a sender that
// keeps one connection for several messages opens fewer than it sends.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// HoldAfter makes the MAIL commands that come once the server has received
// n messages in all (accepted or refused, as Messages and Refused count
// them) wait, in any session, until release is called. held is closed when
// the first of them waits: a test then stops a sender between two messages.
// A later HoldAfter replaces this one; release may be called more than once.
func (s *Server) HoldAfter(n int) (held <-chan struct{}, release func()) {
	h := &hold{after: n, held: make(chan struct{}), released: make(chan struct{})}
	s.mu.Lock()
	s.hold = h
	s.mu.Unlock()
	return h.held, func() { h.relOnce.Do(func() { close(h.released) }) }
}

// DropConnections closes every connection open now, as a relay that
// restarts would, and says how many it closed.
func (s *Server) DropConnections() int {
	s.mu.Lock()
	open := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		open = append(open, c)
	}
	s.mu.Unlock()
	for _, c := range open {
		_ = c.Close()
	}
	return len(open)
}

// wait holds a MAIL command as HoldAfter says.
func (s *Server) wait() {
	s.mu.Lock()
	h, n := s.hold, len(s.accepted)+len(s.refused)
	s.mu.Unlock()
	if h == nil || n < h.after {
		return
	}
	select {
	case <-h.released:
		return
	default:
	}
	h.heldOnce.Do(func() { close(h.held) })
	select {
	case <-h.released:
	case <-s.done:
	}
}

// listener counts and keeps the connections it accepts.
type listener struct {
	net.Listener
	box *Server
}

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &conn{Conn: c, box: l.box}
	l.box.mu.Lock()
	l.box.sessions++
	l.box.conns[tc] = true
	l.box.mu.Unlock()
	return tc, nil
}

// conn is an accepted connection, forgotten when closed.
type conn struct {
	net.Conn
	box *Server
}

func (c *conn) Close() error {
	c.box.mu.Lock()
	delete(c.box.conns, c)
	c.box.mu.Unlock()
	return c.Conn.Close()
}

// Messages is every message accepted so far, in order of arrival.
func (s *Server) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.accepted...)
}

// Refused is every message the server read and refused (Refuse), in order.
func (s *Server) Refused() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.refused...)
}

// To is the messages accepted for addr, in order of arrival. Addresses
// compare without regard to case, as mailboxes do.
func (s *Server) To(addr string) []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Mail
	for _, m := range s.accepted {
		if strings.EqualFold(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

// WaitFor waits until at least n messages for addr have arrived and
// returns them all; it fails the test when they have not after timeout.
func (s *Server) WaitFor(t testing.TB, addr string, n int, timeout time.Duration) []Mail {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		arrived := s.arrived
		s.mu.Unlock()
		if got := s.To(addr); len(got) >= n {
			return got
		}
		select {
		case <-arrived:
		case <-deadline.C:
			got := s.To(addr)
			t.Fatalf("mailtest: %d messages for %s after %v, want %d (%d messages in all)", len(got), addr, timeout, n, len(s.Messages()))
			return nil
		}
	}
}

// receive files the message raw for each recipient, or refuses it. A
// message a mail program could not read fails the test and is refused.
func (s *Server) receive(from string, to []string, isTLS bool, user string, raw []byte) error {
	m, err := Parse(raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if !s.closed {
			s.t.Errorf("mailtest: unreadable message to %v: %v\n%s", to, err, raw)
		}
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Unreadable message"}
	}
	m.From, m.TLS, m.User = from, isTLS, user
	for _, rcpt := range to {
		m.To = rcpt
		if s.refData {
			s.refused = append(s.refused, m)
		} else {
			s.accepted = append(s.accepted, m)
		}
	}
	if s.refData {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Content refused"}
	}
	close(s.arrived)
	s.arrived = make(chan struct{})
	return nil
}

// errorLog reports the SMTP server's own errors (go-smtp's ErrorLog) to
// the test while it runs.
type errorLog struct{ box *Server }

func (l errorLog) Printf(format string, v ...any) { l.box.log(fmt.Sprintf(format, v...)) }
func (l errorLog) Println(v ...any)               { l.box.log(fmt.Sprintln(v...)) }

func (s *Server) log(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.t.Log("mailtest: " + strings.TrimSuffix(msg, "\n"))
	}
}

// session is one SMTP connection.
type session struct {
	box  *Server
	conn *smtp.Conn
	user string // who authenticated
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if ss.box.opts.User == "" || user != ss.box.opts.User || pass != ss.box.opts.Password {
			return smtp.ErrAuthFailed
		}
		ss.user = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.box.opts.User != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.box.wait()
	ss.from, ss.to = from, nil
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.box.mu.Lock()
	refuse := ss.box.refRcpt || ss.box.refTo[strings.ToLower(to)]
	ss.box.mu.Unlock()
	if refuse {
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "Mailbox busy, try later"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	return ss.box.receive(ss.from, ss.to, isTLS, ss.user, raw)
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }
