package ui

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/activities"
)

func TestAuditDetails(t *testing.T) {
	long := strings.Repeat("x", 500)
	for _, tc := range []struct {
		raw  string
		want []auditDetail
	}{
		{"{}", []auditDetail{}},
		{"", nil},
		{`{"ip":"10.0.0.1","count":3}`, []auditDetail{{"count", "3"}, {"ip", "10.0.0.1"}}},
		{`{"fields":["tag","locality"],"given":true}`, []auditDetail{{"fields", "tag, locality"}, {"given", "true"}}},
		{`{"filter":{"tag":["a"],"n":1},"none":null}`, []auditDetail{{"filter", `{"tag":["a"],"n":1}`}, {"none", "—"}}},
		{`{"note":"` + long + `"}`, []auditDetail{{"note", long}}}, // whole, never cut
		{`not json`, []auditDetail{{Value: "not json"}}},
	} {
		if got := auditDetails(tc.raw); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("auditDetails(%.40q) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}

// FuzzAuditDetails: whatever the details hold, each key of an object is a
// line, and nothing panics.
func FuzzAuditDetails(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":[1,"b"]}`, `[1,2]`, `"x"`, `{"a":{"b":{}}}`, `{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		lines := auditDetails(raw)
		for _, l := range lines {
			if l.Key == "" && len(lines) > 1 {
				t.Fatalf("%q: a line without its key among %v", raw, lines)
			}
		}
	})
}

// recordedAction finds the action of each audit.Record call in the code.
var recordedAction = regexp.MustCompile(`Record\([^,]+,\s*[^,]+,\s*"([a-z_.]+)"`)

// TestEveryAuditActionNamed fails on an action the code records that the
// audit page cannot name in the reader's language.
func TestEveryAuditActionNamed(t *testing.T) {
	found := 0
	err := filepath.WalkDir("../../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range recordedAction.FindAllStringSubmatch(string(b), -1) {
			found++
			actions := []string{m[1]}
			if strings.HasSuffix(m[1], ".") { // "activity." + a status
				actions = nil
				for _, st := range activities.Statuses {
					if st != activities.StatusDraft {
						actions = append(actions, m[1]+st)
					}
				}
			}
			for _, a := range actions {
				if _, ok := auditActions[a]; !ok {
					t.Errorf("%s records %q, which the audit page cannot name", p, a)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 30 {
		t.Fatalf("found %d recorded actions: the pattern misses the code", found)
	}
	for _, a := range []string{"people.export", "people.export.sensitive"} { // recorded through a variable
		if _, ok := auditActions[a]; !ok {
			t.Errorf("%q has no name", a)
		}
	}
}
