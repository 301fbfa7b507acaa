package mailings

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/keys"
)

func TestPersonalize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, name, want string }{
		{"Hello {{given_name}},", "Saraa", "Hello Saraa,"},
		{"Сайн уу {{given_name}}! {{given_name}}", "Батбаяр", "Сайн уу Батбаяр! Батбаяр"},
		{"No name here", "Saraa", "No name here"},
		{"Hi {{given_name}}", "Line\r\nBcc: x@y", "Hi Line Bcc: x@y"},
		{"Hi {{given_name}}", "  ", "Hi "},
	} {
		if got := Personalize(tc.text, tc.name); got != tc.want {
			t.Errorf("Personalize(%q, %q) = %q, want %q", tc.text, tc.name, got, tc.want)
		}
	}
}

func TestUnknownPlaceholder(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"Hi {{given_name}}":                     "",
		"Hi {{ given_name }}":                   "{{ given_name }}",
		"Hi {{family_name}} and {{given_name}}": "{{family_name}}",
		"braces { alone } are text":             "",
		"{{}}":                                  "{{}}",
	} {
		if got := unknownPlaceholder(text); got != want {
			t.Errorf("unknownPlaceholder(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestLinks(t *testing.T) {
	t.Parallel()
	for text, want := range map[string][]string{
		"See https://example.org/camp.":                          {"https://example.org/camp"},
		"(https://example.org/a), http://x.org/b?c=d&e=f!":       {"https://example.org/a", "http://x.org/b?c=d&e=f"},
		"https://en.wikipedia.org/wiki/Gotong_royong_(custom) x": {"https://en.wikipedia.org/wiki/Gotong_royong_(custom)"},
		"twice https://a.org and https://a.org":                  {"https://a.org"},
		"«https://example.org/мн»":                               {"https://example.org/мн"},
		"https:// alone, ftp://no.org, mailto:a@b.org":           nil,
	} {
		if got := Links(text); !reflect.DeepEqual(got, want) {
			t.Errorf("Links(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestRewriteLinks(t *testing.T) {
	t.Parallel()
	to := func(l string) (string, bool) { return "<" + l + ">", l != "https://b.org" }
	got := RewriteLinks("a https://a.org, b https://b.org. c https://a.org", to)
	if want := "a <https://a.org>, b https://b.org. c <https://a.org>"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzRewriteLinks: a rewrite that maps nothing changes nothing, and one
// that maps every link leaves none of them in the text.
func FuzzRewriteLinks(f *testing.F) {
	for _, s := range []string{"See https://example.org/camp.", "(https://a.org/x_(y))", "http://", "«https://b.org»…"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got := RewriteLinks(text, func(string) (string, bool) { return "", false }); got != text {
			t.Fatalf("identity rewrite changed %q into %q", text, got)
		}
		const marker = "\x01"
		if strings.Contains(text, marker) {
			return
		}
		links := Links(text)
		out := RewriteLinks(text, func(string) (string, bool) { return marker, true })
		if strings.Count(out, marker) < len(links) || len(Links(out)) != 0 {
			t.Fatalf("%q: %d links, rewritten into %q", text, len(links), out)
		}
		for _, l := range links {
			if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
				t.Fatalf("%q is no web link", l)
			}
		}
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	key := keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Mailing
	other := keys.Derive([]byte("fedcba9876543210fedcba9876543210")).Mailing
	u := UnsubscribeToken(key, 42)
	if id, ok := ParseUnsubscribeToken(key, u); !ok || id != 42 {
		t.Fatalf("unsubscribe token read back as %d, %v", id, ok)
	}
	c := Click{MailingID: 7, Index: 3, Locale: "mn"}
	ct := ClickToken(key, c)
	if got, ok := ParseClickToken(key, ct); !ok || got != c {
		t.Fatalf("click token read back as %+v, %v", got, ok)
	}
	forged := []byte(u)
	forged[5] ^= 1
	for name, bad := range map[string]bool{
		"another key":             func() bool { _, ok := ParseUnsubscribeToken(other, u); return ok }(),
		"a changed byte":          func() bool { _, ok := ParseUnsubscribeToken(key, string(forged)); return ok }(),
		"a click as unsubscribe":  func() bool { _, ok := ParseUnsubscribeToken(key, ct); return ok }(),
		"an unsubscribe as click": func() bool { _, ok := ParseClickToken(key, u); return ok }(),
		"junk":                    func() bool { _, ok := ParseUnsubscribeToken(key, "%00\x00"); return ok }(),
		"empty":                   func() bool { _, ok := ParseClickToken(key, ""); return ok }(),
		"a click of another key":  func() bool { _, ok := ParseClickToken(other, ct); return ok }(),
		"id zero, however signed": func() bool { _, ok := ParseUnsubscribeToken(key, UnsubscribeToken(key, 0)); return ok }(),
		"an unknown language code": func() bool {
			_, ok := ParseClickToken(key, ClickToken(key, Click{MailingID: 1, Locale: "de"}))
			return ok
		}(),
	} {
		if bad {
			t.Errorf("%s verified", name)
		}
	}
	if a, b := ClickToken(key, c), ClickToken(key, c); a != b {
		t.Error("a link's token differs between two recipients")
	}
}

// FuzzTokens: no input but one made with the key verifies, and none panics.
func FuzzTokens(f *testing.F) {
	key := keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Mailing
	f.Add(UnsubscribeToken(key, 1))
	f.Add(ClickToken(key, Click{MailingID: 1, Index: 1, Locale: "en"}))
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		if id, ok := ParseUnsubscribeToken(key, token); ok && UnsubscribeToken(key, id) != token {
			t.Fatalf("%q verified as %d", token, id)
		}
		if c, ok := ParseClickToken(key, token); ok && ClickToken(key, c) != token {
			t.Fatalf("%q verified as %+v", token, c)
		}
	})
}
