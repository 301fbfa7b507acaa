package path

// A survey's results are aggregates, never a response: per question on a
// scale its mean and its distribution, for the WHO-5 the mean of the
// score, for a pair of well-being surveys the change of that mean, and for
// the feedback its free texts. Under minCell responses (GOTONG_MIN_CELL)
// none of it is shown: not a figure, not a text. Tally, Compare and Pool
// (several activities' surveys together) are the rule, pure; the store
// reads the answers and hands them over.

// Given is one response's answers: values by question, texts by question.
type Given struct {
	Values map[string]int
	Texts  map[string]string
}

// Count is how many responses gave Value.
type Count struct {
	Value int
	N     int
}

// Item is the result of one question on a scale.
type Item struct {
	Question     string
	Mean         float64 // of the responses that answered it; 0 when none did
	Distribution []Count // every value of the scale, from Min to Max
}

// Results are a survey's results. When Suppressed, no figure in them but
// Responses is set, and Texts is nil: those who show them show MinCell's
// mark ("<5") in place of every figure, Responses included, or "x" when
// Withheld.
type Results struct {
	Kind       string
	Responses  int
	MinCell    int
	Suppressed bool // fewer responses than MinCell, or Withheld
	// Withheld: suppressed though Responses reach MinCell, since these
	// figures with others shown would give some from fewer (Pool).
	Withheld bool
	Items    []Item
	// Score is the mean WHO-5 score: each response's raw score (the sum of
	// its five items, 0–25) times 4, 0–100. Set for a well-being survey.
	Score *float64
	// Texts are the free texts given, by question, in the order given.
	Texts map[string][]string
}

// Tally computes the results of a survey of kind from its responses, with
// minCell the fewest responses whose figures may be shown.
func Tally(kind string, responses []Given, minCell int) Results {
	return tally(kind, responses, minCell, len(responses) < minCell)
}

// tally computes the results, their figures left out when hide.
func tally(kind string, responses []Given, minCell int, hide bool) Results {
	r := Results{Kind: kind, Responses: len(responses), MinCell: minCell, Suppressed: hide}
	qs := Questions(kind)
	for _, q := range qs {
		if q.Text() {
			continue
		}
		it := Item{Question: q.Key, Distribution: make([]Count, 0, q.Max-q.Min+1)}
		for v := q.Min; v <= q.Max; v++ {
			it.Distribution = append(it.Distribution, Count{Value: v})
		}
		if !r.Suppressed {
			sum, n := 0, 0
			for _, g := range responses {
				v, ok := g.Values[q.Key]
				if !ok || v < q.Min || v > q.Max {
					continue
				}
				it.Distribution[v-q.Min].N++
				sum += v
				n++
			}
			if n > 0 {
				it.Mean = float64(sum) / float64(n)
			}
		}
		r.Items = append(r.Items, it)
	}
	if kind == SurveyWellbeingPre || kind == SurveyWellbeingPost {
		score := 0.0
		if !r.Suppressed {
			score = meanScore(qs, responses)
		}
		r.Score = &score
	}
	if r.Suppressed {
		return r
	}
	for _, q := range qs {
		if !q.Text() {
			continue
		}
		for _, g := range responses {
			if t := g.Texts[q.Key]; t != "" {
				if r.Texts == nil {
					r.Texts = map[string][]string{}
				}
				r.Texts[q.Key] = append(r.Texts[q.Key], t)
			}
		}
	}
	return r
}

// meanScore is the mean WHO-5 score (raw score × 4) of the responses that
// answered every item; 0 when none did.
func meanScore(qs []Question, responses []Given) float64 {
	sum, n := 0, 0
	for _, g := range responses {
		raw, whole := 0, true
		for _, q := range qs {
			v, ok := g.Values[q.Key]
			if !ok || v < q.Min || v > q.Max {
				whole = false
				break
			}
			raw += v
		}
		if whole {
			sum += raw * 4
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// Change is the change of the mean WHO-5 score from the survey before an
// activity to the one after it. Its people are not paired (an anonymous
// response names nobody): it compares the two groups' means.
type Change struct {
	Before, After, Delta float64
	// Suppressed: either survey has fewer responses than its MinCell (or
	// is withheld), so none of the three figures is shown.
	Suppressed bool
	// Withheld: suppressed because a survey is Withheld, neither having
	// fewer responses than its MinCell.
	Withheld bool
}

// Compare is the change from pre's results to post's.
func Compare(pre, post Results) Change {
	if pre.Suppressed || post.Suppressed || pre.Score == nil || post.Score == nil {
		few := pre.Suppressed && !pre.Withheld || post.Suppressed && !post.Withheld
		return Change{Suppressed: true, Withheld: (pre.Withheld || post.Withheld) && !few}
	}
	return Change{Before: *pre.Score, After: *post.Score, Delta: *post.Score - *pre.Score}
}

// Pool is the results of the surveys of kind of several activities taken
// together, groups holding each activity's responses: Tally's over all of
// them, with one more rule. Whoever reads the pool also reads each
// activity's results, so the pool less the activities shown gives the
// figures of those suppressed, taken together. Those must then be none or
// come from MinCell responses or more; else the pool is Withheld.
func Pool(kind string, groups [][]Given, minCell int) Results {
	var all, hidden []Given
	for _, g := range groups {
		all = append(all, g...)
		if Tally(kind, g, minCell).Suppressed {
			hidden = append(hidden, g...)
		}
	}
	r := Tally(kind, all, minCell)
	if !r.Suppressed && len(hidden) > 0 && Tally(kind, hidden, minCell).Suppressed {
		r = tally(kind, all, minCell, true)
		r.Withheld = true
	}
	return r
}
