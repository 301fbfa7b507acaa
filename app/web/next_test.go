package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/gotong/gotong/app/access"
)

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		// Paths on this site are kept as they are.
		{"/account", "/account"},
		{"/manage?x=1", "/manage?x=1"},
		{"/manage/people?q=caf%C3%A9&tag=x#list", "/manage/people?q=caf%C3%A9&tag=x#list"},
		{"/manage/people?q=100%25", "/manage/people?q=100%25"},
		{"/", "/"},
		{"/a//b", "/a//b"},
		{"/p/x?u=https://example.org/", "/p/x?u=https://example.org/"},
		// Anything else goes to the default page.
		{"", defaultNext},
		{"account", defaultNext},
		{"https://evil.example/", defaultNext},
		{"javascript:alert(1)", defaultNext},
		{"//evil.example/", defaultNext},
		{"///evil.example/", defaultNext},
		{"/\\evil.example", defaultNext},
		{"\\/evil.example", defaultNext},
		{"/a\\b", defaultNext},
		{"/\t/evil.example", defaultNext},             // browsers drop the tab: //evil.example
		{"/\n/evil.example", defaultNext},             // and the newline
		{"/\r/evil.example", defaultNext},             // and the carriage return
		{" //evil.example", defaultNext},              // and leading spaces
		{"/\nSet-Cookie: injected=1", defaultNext},    // a second header line
		{"/\r\nSet-Cookie: injected=1", defaultNext},  // with CR too
		{"/%0ASet-Cookie:%20injected=1", defaultNext}, // decoded once more on its way
		{"/%09/evil.example", defaultNext},
		{"/%2F%2Fevil.example", defaultNext},
		{"/%2f/evil.example", defaultNext},
		{"/%5Cevil.example", defaultNext},
		{"/%252F%252Fevil.example", defaultNext}, // encoded twice
		{"/a b", defaultNext},
		{"/\u00a0/evil.example", defaultNext}, // no-break space
		{"/\u3000/evil.example", defaultNext}, // ideographic space
		{"/\u2028/evil.example", defaultNext}, // line separator
		{"/\uff0f/evil.example", defaultNext}, // fullwidth solidus
		{"/caf\u00e9", defaultNext},           // raw, not percent-encoded
		{"/\x00", defaultNext},
		{"/\x7f", defaultNext},
		{"/%zz", defaultNext}, // net/url cannot read it
	} {
		if got := safeNext(tc.next); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
}

// FuzzSafeNext: whatever comes in, what comes out is the default or a path
// of this site that no browser can turn into another site's address.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/account", "//evil.example", "/\t/evil.example", "/%0ASet-Cookie:%20x=1",
		"/\\evil", "/%2F%2Fevil", "https://evil.example", "/manage?q=caf%C3%A9", "/\u3000/x", "/%25zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got == defaultNext || got == "/" {
			return
		}
		if len(got) < 2 || got[0] != '/' || got[1] == '/' || got[1] == '\\' {
			t.Fatalf("safeNext(%q) = %q: not a single / then a path", next, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || r == '\\' {
				t.Fatalf("safeNext(%q) = %q: holds %q", next, got, r)
			}
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("safeNext(%q) = %q: parses as %#v, %v", next, got, u, err)
		}
	})
}

// TestLoginNextPayloads signs in with the payloads: the answer goes
// to the default page, and writes no header of its own.
func TestLoginNextPayloads(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("saraa@example.org", access.Participant)
		for _, next := range []string{"/\nSet-Cookie: injected=1", "/\t/evil.example"} {
			c := e.client()
			// The query as the issue sends it: next=/%09/evil.example, next=/%0ASet-Cookie:%20injected=1.
			res := c.get("/login?next=" + strings.NewReplacer("\t", "%09", "\n", "%0A", " ", "%20").Replace(next))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("login form: %d", res.StatusCode)
			}
			res = c.postForm("/login", url.Values{"email": {"saraa@example.org"}, "password": {testPassword}, "next": {next}})
			checkNext(t, res, next)
			// Signed in already, the login page sends the user on at once.
			res = c.get("/login?next=" + url.QueryEscape(next))
			checkNext(t, res, next)
		}
	})
}

func checkNext(t *testing.T, res *response, next string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("next=%q: %d", next, res.StatusCode)
	}
	if loc := res.Header.Values("Location"); len(loc) != 1 || loc[0] != defaultNext {
		t.Fatalf("next=%q: Location %q", next, loc)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "injected" {
			t.Fatalf("next=%q: a cookie was injected", next)
		}
	}
	for k, vs := range res.Header {
		for _, v := range vs {
			if strings.ContainsAny(k+v, "\r\n\t") || strings.Contains(v, "injected") {
				t.Fatalf("next=%q: header %s: %q", next, k, v)
			}
		}
	}
}
