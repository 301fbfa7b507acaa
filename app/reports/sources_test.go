package reports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/petitions"
)

func sourceLine(list []SourceCount, minCell int) string {
	var b []string
	for _, s := range list {
		b = append(b, fmt.Sprintf("%s=%s", s.Source, s.Count.Text(minCell)))
	}
	return strings.Join(b, " ")
}

// TestSourceFigures: each count under the threshold is "<5", and a count
// that would give one away through a source's sum or a petition's total
// is withheld; a total the public page shows is never hidden.
func TestSourceFigures(t *testing.T) {
	acts := []activities.Activity{{ID: 2}, {ID: 1}}
	regs := []SourceTally{{1, "", 10}, {1, "whatsapp", 3}, {2, "whatsapp", 8}, {2, "poster", 6}, {2, "", 12}}
	pets := []petitions.Petition{{ID: 8}, {ID: 7}}
	sigs := []SourceTally{{7, "", 4}, {7, "x", 20}, {8, "", 30}, {8, "poster", 9}}
	got := sourceFigures(acts, regs, pets, sigs, map[int64]int{7: 24, 8: 50}, 5)
	for what, tc := range map[string]struct{ got, want string }{
		// whatsapp in all is shown: with A1's 3 hidden, A2's 8 is withheld.
		"overall":    {sourceLine(got.Overall, 5), "=22 poster=6 whatsapp=11"},
		"activity 2": {sourceLine(got.Activities[0].Sources, 5), "=12 poster=6 whatsapp=x"},
		"activity 1": {sourceLine(got.Activities[1].Sources, 5), "=10 whatsapp=<5"},
		// Petition 7's total is on its page: its other source is withheld.
		"petition 7":       {sourceLine(got.Petitions[1].Sources, 5), "=<5 x=x"},
		"petition 7 total": {got.Petitions[1].Total.Text(5), "24"},
		"petition 8":       {sourceLine(got.Petitions[0].Sources, 5), "=30 poster=9"},
		"petition 8 total": {got.Petitions[0].Total.Text(5), "39"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", what, tc.got, tc.want)
		}
	}
	if got.Activities[0].Activity.ID != 2 || got.Petitions[0].Petition.ID != 8 {
		t.Error("the activities and petitions are not in the order given")
	}
	for _, a := range got.Activities {
		for _, s := range a.Sources {
			if s.Count.Mark != Shown && s.Count.Value != 0 {
				t.Errorf("a hidden count keeps its value %d", s.Count.Value)
			}
		}
	}
}

func TestSourceFiguresEmpty(t *testing.T) {
	got := sourceFigures(nil, nil, nil, nil, nil, 5)
	if got.Overall == nil || got.Activities == nil || got.Petitions == nil {
		t.Fatal("an empty report has nil lists")
	}
}
