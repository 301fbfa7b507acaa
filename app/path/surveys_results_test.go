package path_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/gotong/gotong/app/path"
)

func rated(ratings ...int) []path.Given {
	out := make([]path.Given, len(ratings))
	for i, r := range ratings {
		out[i] = path.Given{Values: map[string]int{"rating": r}, Texts: map[string]string{}}
	}
	return out
}

// who5 is a WHO-5 response whose five items are items.
func who5(items ...int) path.Given {
	g := path.Given{Values: map[string]int{}}
	for i, v := range items {
		g.Values["who5_"+string(rune('1'+i))] = v
	}
	return g
}

func dist(from int, counts ...int) []path.Count {
	out := make([]path.Count, len(counts))
	for i, n := range counts {
		out[i] = path.Count{Value: from + i, N: n}
	}
	return out
}

// TestTally: the mean and distribution of each question on a scale, the
// WHO-5 score, the free texts; under minCell responses no figure and no
// text, at minCell all of them.
func TestTally(t *testing.T) {
	withTexts := rated(5, 4, 4, 2, 5)
	withTexts[0].Texts["helped"] = "The trainers"
	withTexts[2].Texts["change"] = "More breaks"
	withTexts[3].Texts["helped"] = "Meeting others"
	score := func(v float64) *float64 { return &v }
	zero := score(0)
	for _, c := range []struct {
		name      string
		kind      string
		responses []path.Given
		minCell   int
		want      path.Results
	}{
		{"no response", path.SurveyFeedback, nil, 5, path.Results{Kind: path.SurveyFeedback, MinCell: 5, Suppressed: true,
			Items: []path.Item{{Question: "rating", Distribution: dist(1, 0, 0, 0, 0, 0)}}}},
		{"four responses, under five", path.SurveyFeedback, rated(5, 5, 5, 5), 5, path.Results{Kind: path.SurveyFeedback,
			Responses: 4, MinCell: 5, Suppressed: true, Items: []path.Item{{Question: "rating", Distribution: dist(1, 0, 0, 0, 0, 0)}}}},
		{"five responses", path.SurveyFeedback, withTexts, 5, path.Results{Kind: path.SurveyFeedback, Responses: 5, MinCell: 5,
			Items: []path.Item{{Question: "rating", Mean: 4, Distribution: dist(1, 0, 1, 0, 2, 2)}},
			Texts: map[string][]string{"helped": {"The trainers", "Meeting others"}, "change": {"More breaks"}}}},
		{"a threshold of one", path.SurveyFeedback, rated(3), 1, path.Results{Kind: path.SurveyFeedback, Responses: 1, MinCell: 1,
			Items: []path.Item{{Question: "rating", Mean: 3, Distribution: dist(1, 0, 0, 1, 0, 0)}}}},
		{"the WHO-5 under the threshold", path.SurveyWellbeingPre, []path.Given{who5(5, 5, 5, 5, 5)}, 2,
			path.Results{Kind: path.SurveyWellbeingPre, Responses: 1, MinCell: 2, Suppressed: true, Score: zero, Items: []path.Item{
				{Question: "who5_1", Distribution: dist(0, 0, 0, 0, 0, 0, 0)}, {Question: "who5_2", Distribution: dist(0, 0, 0, 0, 0, 0, 0)},
				{Question: "who5_3", Distribution: dist(0, 0, 0, 0, 0, 0, 0)}, {Question: "who5_4", Distribution: dist(0, 0, 0, 0, 0, 0, 0)},
				{Question: "who5_5", Distribution: dist(0, 0, 0, 0, 0, 0, 0)}}}},
		// Raw scores 25, 10 and 0: 100, 40 and 0 out of 100.
		{"the WHO-5 score", path.SurveyWellbeingPost, []path.Given{who5(5, 5, 5, 5, 5), who5(2, 2, 2, 2, 2), who5(0, 0, 0, 0, 0)}, 3,
			path.Results{Kind: path.SurveyWellbeingPost, Responses: 3, MinCell: 3, Score: score(140.0 / 3), Items: []path.Item{
				{Question: "who5_1", Mean: 7.0 / 3, Distribution: dist(0, 1, 0, 1, 0, 0, 1)},
				{Question: "who5_2", Mean: 7.0 / 3, Distribution: dist(0, 1, 0, 1, 0, 0, 1)},
				{Question: "who5_3", Mean: 7.0 / 3, Distribution: dist(0, 1, 0, 1, 0, 0, 1)},
				{Question: "who5_4", Mean: 7.0 / 3, Distribution: dist(0, 1, 0, 1, 0, 0, 1)},
				{Question: "who5_5", Mean: 7.0 / 3, Distribution: dist(0, 1, 0, 1, 0, 0, 1)}}}},
		// A response missing an item counts in the items it answered, not
		// in the score; a value off the scale counts nowhere.
		{"an item missing, a value off the scale", path.SurveyWellbeingPre, []path.Given{who5(4, 4, 4, 4), who5(1, 1, 1, 1, 9)}, 1,
			path.Results{Kind: path.SurveyWellbeingPre, Responses: 2, MinCell: 1, Score: zero, Items: []path.Item{
				{Question: "who5_1", Mean: 2.5, Distribution: dist(0, 0, 1, 0, 0, 1, 0)},
				{Question: "who5_2", Mean: 2.5, Distribution: dist(0, 0, 1, 0, 0, 1, 0)},
				{Question: "who5_3", Mean: 2.5, Distribution: dist(0, 0, 1, 0, 0, 1, 0)},
				{Question: "who5_4", Mean: 2.5, Distribution: dist(0, 0, 1, 0, 0, 1, 0)},
				{Question: "who5_5", Distribution: dist(0, 0, 0, 0, 0, 0, 0)}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := path.Tally(c.kind, c.responses, c.minCell)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Tally =\n%+v\nwant\n%+v", got, c.want)
			}
			if (got.Score == nil) != (c.want.Score == nil) || got.Score != nil && math.Abs(*got.Score-*c.want.Score) > 1e-9 {
				t.Errorf("score %v, want %v", got.Score, c.want.Score)
			}
		})
	}
}

// TestCompare: the change of the mean score from before to after, shown
// only when neither survey is under its threshold.
func TestCompare(t *testing.T) {
	pre := path.Tally(path.SurveyWellbeingPre, []path.Given{who5(2, 2, 2, 2, 2), who5(3, 3, 3, 3, 3)}, 2)   // 40 and 60
	post := path.Tally(path.SurveyWellbeingPost, []path.Given{who5(4, 4, 4, 4, 4), who5(3, 3, 3, 3, 3)}, 2) // 80 and 60
	few := path.Tally(path.SurveyWellbeingPost, []path.Given{who5(5, 5, 5, 5, 5)}, 2)
	for _, c := range []struct {
		name      string
		pre, post path.Results
		want      path.Change
	}{
		{"both shown", pre, post, path.Change{Before: 50, After: 70, Delta: 20}},
		{"worse after", post, pre, path.Change{Before: 70, After: 50, Delta: -20}},
		{"after under the threshold", pre, few, path.Change{Suppressed: true}},
		{"before under the threshold", few, post, path.Change{Suppressed: true}},
		{"not well-being surveys", path.Tally(path.SurveyFeedback, rated(1, 2), 2), post, path.Change{Suppressed: true}},
	} {
		if got := path.Compare(c.pre, c.post); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}
