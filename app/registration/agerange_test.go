package registration

import (
	"reflect"
	"testing"

	"github.com/gotong/gotong/app/activities"
)

// TestAgeRangeMsg: a refused age names only the bounds the activity sets.
func TestAgeRangeMsg(t *testing.T) {
	n := func(v int) *int { return &v }
	for _, c := range []struct {
		name     string
		min, max *int
		id       string
		args     []any
	}{
		{"both", n(16), n(30), "error_age_range", []any{"Min", 16, "Max", 30}},
		{"only a minimum", n(16), nil, "error_age_range_from", []any{"Min", 16}},
		{"only a maximum", nil, n(30), "error_age_range_to", []any{"Max", 30}},
	} {
		m := ageRangeMsg(&activities.Activity{AgeMin: c.min, AgeMax: c.max})
		if m.ID != c.id || !reflect.DeepEqual(m.Args, c.args) {
			t.Errorf("%s: got %s %v, want %s %v", c.name, m.ID, m.Args, c.id, c.args)
		}
	}
}
