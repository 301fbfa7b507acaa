package web

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/usertext"
)

func TestCheckJSONText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		want map[string]string // field: message id
	}{
		{`{"given_name": "Saraa", "tags": ["a", "b"], "n": 3, "ok": true, "x": null}`, nil},
		{`{"given_name": "Sa\u0000raa"}`, map[string]string{"given_name": usertext.ErrControl}},
		{"{\"given_name\": \"Sa\xffraa\"}", map[string]string{"given_name": usertext.ErrEncoding}},
		{`{"person": {"family_name": "B\u0000", "email": "a@b.org"}, "consent": true}`, map[string]string{"family_name": usertext.ErrControl}},
		{`{"title": {"en": "Camp", "fr": "Camp\u0000"}}`, map[string]string{"fr": usertext.ErrControl}},
		{`{"tags": ["ok", "b\u0000d"], "name": "fine"}`, map[string]string{"tags": usertext.ErrControl}},
		{`{"a": {"b": 1}, "c": "\u0000"}`, map[string]string{"c": usertext.ErrControl}},
		{`{"a": [{"b": "x"}, "y"], "c": ["\u0000"]}`, map[string]string{"c": usertext.ErrControl}},
		{`{"na\u0000me": "x"}`, map[string]string{"name": usertext.ErrControl}},
		{`"\u0000"`, map[string]string{"body": usertext.ErrControl}},
		{`{"note": "a\\u0000 typed as text"}`, nil},
		{`{"note": "line\nbreaks\tand \u001b escapes are the domains' to judge"}`, nil},
		{`{"broken": "\u0000`, map[string]string{}}, // not JSON: decodeJSON's 400
	} {
		f := apperr.Fields{}
		checkJSONText(f, []byte(tc.body))
		got := map[string]string{}
		for k, m := range f {
			got[k] = m.ID
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.body, got, tc.want)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: %v, want %v", tc.body, got, tc.want)
			}
		}
	}
}

// strings of a decoded JSON value, keys and values.
func jsonStrings(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, v)
	case []any:
		for _, e := range v {
			jsonStrings(e, out)
		}
	case map[string]any:
		for k, e := range v {
			*out = append(*out, k)
			jsonStrings(e, out)
		}
	}
}

// FuzzCheckJSONText: a JSON body the check lets through holds no invalid
// UTF-8 and no string with NUL; one it refuses holds one of them.
func FuzzCheckJSONText(f *testing.F) {
	for _, s := range []string{`{"a": "b"}`, `{"a": "\u0000"}`, "{\"a\": \"\xff\"}", `[1, {"b": ["c", null]}]`, `{"a":`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v any
		if json.Unmarshal(body, &v) != nil {
			return
		}
		fs := apperr.Fields{}
		checkJSONText(fs, body)
		var strs []string
		jsonStrings(v, &strs)
		bad := !utf8.Valid(body) || strings.ContainsRune(strings.Join(strs, ""), 0)
		if bad != (len(fs) > 0) {
			t.Fatalf("%q: fields %v", body, fs)
		}
	})
}
