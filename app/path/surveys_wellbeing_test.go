package path_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// same is n WHO-5 responses answering v to every item: a score of 20v.
func same(n, v int) []path.Given {
	out := make([]path.Given, n)
	for i := range out {
		out[i] = who5(v, v, v, v, v)
	}
	return out
}

// TestPool: the responses of several activities together. Shown when the
// activities suppressed hold none, or MinCell responses or more between
// them; withheld ("x") when they hold fewer, which the pool less the
// activities shown would give; under MinCell in all, suppressed as small.
func TestPool(t *testing.T) {
	for _, c := range []struct {
		name      string
		groups    [][]path.Given
		responses int
		score     float64 // when shown
		shown     bool
		withheld  bool
	}{
		{"two shown", [][]path.Given{same(5, 2), same(5, 4)}, 10, 60, true, false},
		// Three responses scoring 40 and three 60: each hidden, 50 in all.
		{"two hidden that reach the threshold together", [][]path.Given{same(3, 2), same(3, 3)}, 6, 50, true, false},
		{"one hidden of four", [][]path.Given{same(5, 2), same(4, 4)}, 9, 0, false, true},
		{"one hidden of one", [][]path.Given{same(9, 2), same(1, 5)}, 10, 0, false, true},
		{"one hidden with none", [][]path.Given{same(5, 2), nil}, 5, 40, true, false},
		{"two hidden of five together", [][]path.Given{same(6, 1), same(3, 5), same(2, 0)}, 11, (6*20 + 3*100) / 11.0, true, false},
		{"under the threshold in all", [][]path.Given{same(2, 1), same(2, 1)}, 4, 0, false, false},
		{"nothing", nil, 0, 0, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := path.Pool(path.SurveyWellbeingPre, c.groups, 5)
			if got.Responses != c.responses || got.Suppressed == c.shown || got.Withheld != c.withheld || got.MinCell != 5 {
				t.Fatalf("responses %d, suppressed %v, withheld %v", got.Responses, got.Suppressed, got.Withheld)
			}
			if got.Score == nil || math.Abs(*got.Score-c.score) > 1e-9 {
				t.Fatalf("score %v, want %v", got.Score, c.score)
			}
			for _, it := range got.Items {
				if !c.shown && (it.Mean != 0 || it.Distribution[0].N != 0) {
					t.Fatalf("a suppressed pool gives %+v", it)
				}
			}
		})
	}
}

// TestWellbeingChange: each workshop's change under its own threshold,
// and all of them pooled; the change of all withheld when one side is,
// small when one side is under the threshold in all.
func TestWellbeingChange(t *testing.T) {
	a, b := &activities.Activity{ID: 1}, &activities.Activity{ID: 2}
	// Workshop 1: 5 before scoring 40, 4 after scoring 80. Workshop 2: 4
	// before scoring 60, 5 after scoring 100.
	each, all := path.WellbeingChange([]path.Workshop{{Activity: a, Pre: same(5, 2), Post: same(4, 4)},
		{Activity: b, Pre: same(4, 3), Post: same(5, 5)}}, 5)
	if len(each) != 2 || each[0].Pre.Suppressed || *each[0].Pre.Score != 40 || !each[0].Post.Suppressed ||
		each[0].Change != (path.Change{Suppressed: true}) {
		t.Fatalf("workshop 1: %+v", each[0])
	}
	if !each[1].Pre.Suppressed || each[1].Post.Suppressed || *each[1].Post.Score != 100 || each[1].Change != (path.Change{Suppressed: true}) {
		t.Fatalf("workshop 2: %+v", each[1])
	}
	if !all.Pre.Withheld || !all.Post.Withheld || all.Change != (path.Change{Suppressed: true, Withheld: true}) {
		t.Fatalf("all: %+v", all)
	}

	// Workshop 2 with 5 before: each side of it shown, and all of them.
	each, all = path.WellbeingChange([]path.Workshop{{Activity: a, Pre: same(5, 2), Post: same(5, 4)},
		{Activity: b, Pre: same(5, 3), Post: same(5, 5)}}, 5)
	if each[0].Change != (path.Change{Before: 40, After: 80, Delta: 40}) || each[1].Change != (path.Change{Before: 60, After: 100, Delta: 40}) {
		t.Fatalf("each: %+v", each)
	}
	if all.Pre.Responses != 10 || all.Post.Responses != 10 || all.Change != (path.Change{Before: 50, After: 90, Delta: 40}) {
		t.Fatalf("all: %+v", all)
	}

	// Four after in all: the change is small, not withheld.
	_, all = path.WellbeingChange([]path.Workshop{{Activity: a, Pre: same(5, 2), Post: same(2, 4)},
		{Activity: b, Pre: same(4, 3), Post: same(2, 5)}}, 5)
	if !all.Pre.Withheld || !all.Post.Suppressed || all.Post.Withheld || all.Change != (path.Change{Suppressed: true}) {
		t.Fatalf("all: %+v", all)
	}
	if each, all := path.WellbeingChange(nil, 5); len(each) != 0 || each == nil || !all.Pre.Suppressed || all.Pre.Withheld {
		t.Fatalf("no workshop: %+v %+v", each, all)
	}
}

// TestWellbeingWorkshops: the workshops read from the database are the
// activities of kind wellbeing with both surveys, by start, with the
// responses to each; a cancelled workshop, one with a survey missing and
// a training with both are not.
func TestWellbeingWorkshops(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		later := f.activity("later", func(in *activities.Input) {
			in.StartsAt, in.EndsAt = ptr(f.base.Add(50*time.Hour)), ptr(f.base.Add(60*time.Hour))
		})
		first := f.activity("first", nil)
		half := f.activity("half", nil)
		cancelled := f.activity("cancelled", nil)
		training := f.activity("training", func(in *activities.Input) { in.Kind = ptr(activities.KindTraining) })
		for _, a := range []*activities.Activity{later, first, cancelled, training} {
			f.survey(a, path.SurveyWellbeingPre, a != first) // named responses count alike
			f.survey(a, path.SurveyWellbeingPost, true)
		}
		f.survey(half, path.SurveyWellbeingPre, true)
		f.register(first, "Anu", "mn")
		f.register(first, "Bat", "en")
		f.register(later, "Chimeg", "mn")
		f.invite(3)
		for addr, v := range map[string]string{"anu@example.org": "1", "bat@example.org": "3", "chimeg@example.org": "5"} {
			form := map[string]string{}
			for i := 1; i <= 5; i++ {
				form["who5_"+string(rune('0'+i))] = v
			}
			if _, err := f.surveys.Respond(ctx, f.token(addr), form); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.acts.SetStatus(ctx, 0, cancelled.ID, activities.StatusCancelled); err != nil {
			t.Fatal(err)
		}
		ws, err := path.WellbeingWorkshops(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(ws) != 2 || ws[0].Activity.ID != first.ID || ws[1].Activity.ID != later.ID {
			t.Fatalf("workshops %+v", ws)
		}
		if len(ws[0].Activity.Translations) == 0 || len(ws[0].Pre) != 2 || len(ws[0].Post) != 0 || len(ws[1].Pre) != 1 || len(ws[1].Post) != 0 {
			t.Fatalf("responses: %+v", ws)
		}
		sum := 0
		for _, g := range append(ws[0].Pre, ws[1].Pre...) {
			sum += g.Values["who5_3"]
		}
		if sum != 9 {
			t.Fatalf("answers %+v %+v", ws[0].Pre, ws[1].Pre)
		}
	})
}
