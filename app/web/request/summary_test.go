package request

import (
	"reflect"
	"testing"
)

func TestSummary(t *testing.T) {
	p := &Page{Errors: map[string]string{"email": "bad email", "_form": "closed", "b": "other", "given_name": "required"},
		Fields: []Field{{Key: "given_name", Label: "Given name"}, {Key: "family_name", Label: "Family name"},
			{Key: "email", Label: "Email", Target: "f-email-1"}, {Key: "email", Label: "Again"}}}
	want := []Problem{{Message: "closed"}, {Message: "other"},
		{Href: "#f-given_name", Label: "Given name", Message: "required"}, {Href: "#f-email-1", Label: "Email", Message: "bad email"}}
	if got := p.Summary(); !reflect.DeepEqual(got, want) {
		t.Errorf("Summary() = %+v, want %+v", got, want)
	}
	if got := (&Page{}).Summary(); len(got) != 0 {
		t.Errorf("no errors: %+v", got)
	}
}
