package ui

import (
	"net/url"
	"testing"
	"unicode"
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
		{"", DefaultNext},
		{"account", DefaultNext},
		{"https://evil.example/", DefaultNext},
		{"javascript:alert(1)", DefaultNext},
		{"//evil.example/", DefaultNext},
		{"///evil.example/", DefaultNext},
		{"/\\evil.example", DefaultNext},
		{"\\/evil.example", DefaultNext},
		{"/a\\b", DefaultNext},
		{"/\t/evil.example", DefaultNext},             // browsers drop the tab: //evil.example
		{"/\n/evil.example", DefaultNext},             // and the newline
		{"/\r/evil.example", DefaultNext},             // and the carriage return
		{" //evil.example", DefaultNext},              // and leading spaces
		{"/\nSet-Cookie: injected=1", DefaultNext},    // a second header line
		{"/\r\nSet-Cookie: injected=1", DefaultNext},  // with CR too
		{"/%0ASet-Cookie:%20injected=1", DefaultNext}, // decoded once more on its way
		{"/%09/evil.example", DefaultNext},
		{"/%2F%2Fevil.example", DefaultNext},
		{"/%2f/evil.example", DefaultNext},
		{"/%5Cevil.example", DefaultNext},
		{"/%252F%252Fevil.example", DefaultNext}, // encoded twice
		{"/a b", DefaultNext},
		{"/\u00a0/evil.example", DefaultNext}, // no-break space
		{"/\u3000/evil.example", DefaultNext}, // ideographic space
		{"/\u2028/evil.example", DefaultNext}, // line separator
		{"/\uff0f/evil.example", DefaultNext}, // fullwidth solidus
		{"/caf\u00e9", DefaultNext},           // raw, not percent-encoded
		{"/\x00", DefaultNext},
		{"/\x7f", DefaultNext},
		{"/%zz", DefaultNext}, // net/url cannot read it
	} {
		if got := safeNext(tc.next); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
}

func TestLanding(t *testing.T) {
	for _, tc := range []struct {
		next  string
		staff bool
		want  string
	}{
		{"", false, DefaultNext},
		{"", true, StaffHome},
		{"//evil.example", true, StaffHome},
		{"//evil.example", false, DefaultNext},
		{"/account", true, "/account"},
		{"/activities/camp", true, "/activities/camp"},
		{"/manage/people", false, "/manage/people"}, // the route itself decides who may see it
	} {
		if got := landing(tc.next, tc.staff); got != tc.want {
			t.Errorf("landing(%q, %v) = %q, want %q", tc.next, tc.staff, got, tc.want)
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
		if got == DefaultNext || got == "/" {
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
