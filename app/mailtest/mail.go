package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// Mail is one message as a person reads it.
type Mail struct {
	From string // the envelope sender (MAIL FROM)
	To   string // the envelope recipient (RCPT TO): whose mailbox it is in
	// Subject is the Subject header decoded (RFC 2047 encoded-words).
	Subject string
	// Header is the header as sent, its values not decoded.
	Header mail.Header
	// Text is the text/plain body (of the first text/plain part of a
	// multipart message) with its transfer encoding undone and its line
	// ends "\n".
	Text string
	Raw  []byte // the message as received
	TLS  bool   // it came over TLS
	User string // who authenticated to send it; "" when nobody did
}

// Parse reads raw as a mail program would. It fails on what a person could
// not read: a broken header, more than one Subject, an undecodable word, an
// unknown transfer encoding, a charset other than UTF-8 or ASCII, or no
// text/plain body at all.
func Parse(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, fmt.Errorf("mailtest: header: %w", err)
	}
	m := Mail{Header: msg.Header, Raw: raw}
	if n := len(msg.Header["Subject"]); n > 1 {
		return Mail{}, fmt.Errorf("mailtest: %d Subject headers", n)
	}
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Mail{}, fmt.Errorf("mailtest: Subject: %w", err)
	}
	text, ok, err := readText(textproto.MIMEHeader(msg.Header), msg.Body)
	if err != nil {
		return Mail{}, err
	}
	if !ok {
		return Mail{}, errors.New("mailtest: no text/plain body")
	}
	m.Text = strings.ReplaceAll(text, "\r\n", "\n")
	return m, nil
}

// readText returns the text of the first text/plain part of an entity with
// header h and body, or ok false when it has none.
func readText(h textproto.MIMEHeader, body io.Reader) (text string, ok bool, err error) {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii" // RFC 2045's default
	}
	media, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", false, fmt.Errorf("mailtest: Content-Type %q: %w", ct, err)
	}
	switch cte := strings.ToLower(h.Get("Content-Transfer-Encoding")); cte {
	case "", "7bit", "8bit", "binary":
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // skips line ends
	default:
		return "", false, fmt.Errorf("mailtest: unknown Content-Transfer-Encoding %q", cte)
	}
	if strings.HasPrefix(media, "multipart/") {
		parts := multipart.NewReader(body, params["boundary"])
		for {
			// Raw, so that quoted-printable is undone here like base64.
			p, err := parts.NextRawPart()
			if err == io.EOF {
				return "", false, nil
			}
			if err != nil {
				return "", false, fmt.Errorf("mailtest: multipart: %w", err)
			}
			if d, _, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition")); d == "attachment" {
				continue
			}
			if text, ok, err := readText(p.Header, p); err != nil || ok {
				return text, ok, err
			}
		}
	}
	if media != "text/plain" {
		return "", false, nil
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		return "", false, fmt.Errorf("mailtest: charset %q", cs)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", false, fmt.Errorf("mailtest: body: %w", err)
	}
	if !utf8.Valid(b) {
		return "", false, errors.New("mailtest: the text is not UTF-8")
	}
	return string(b), true, nil
}

// link is a web address in text: up to a space, or a character that cannot
// be part of one in running text.
var link = regexp.MustCompile(`https?://[^\s<>"«»]+`)

// Links is the distinct http(s) addresses of the text, in order, as a person
// would click them: punctuation that ends the sentence around an address is
// not part of it. Only those beginning with base are kept ("" keeps all).
func (m Mail) Links(base string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range link.FindAllString(m.Text, -1) {
		l = trimLink(l)
		if strings.HasPrefix(l, base) && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// trimLink drops the punctuation that follows an address in a sentence;
// a closing bracket stays when the address opened it (a Wikipedia title).
func trimLink(l string) string {
	for {
		r, size := utf8.DecodeLastRuneInString(l)
		switch {
		case strings.ContainsRune(`.,;:!?'"’”…`, r):
		case r == ')' && strings.Count(l, "(") < strings.Count(l, ")"):
		case r == ']' && strings.Count(l, "[") < strings.Count(l, "]"):
		default:
			return l
		}
		l = l[:len(l)-size]
	}
}

// Link is the path and query of the one link of the text whose path begins
// with pathPrefix (such as "/v/"), for the test's client to follow on the
// server under test. It fails the test unless there is exactly one.
func (m Mail) Link(t testing.TB, pathPrefix string) string {
	t.Helper()
	var found []string
	for _, l := range m.Links("") {
		if u, err := url.Parse(l); err == nil && strings.HasPrefix(u.Path, pathPrefix) {
			found = append(found, u.RequestURI())
		}
	}
	if len(found) != 1 {
		t.Fatalf("mailtest: %d links under %s in the mail to %s, want 1: %q\nSubject: %s\n%s", len(found), pathPrefix, m.To, found, m.Subject, m.Text)
	}
	return found[0]
}
