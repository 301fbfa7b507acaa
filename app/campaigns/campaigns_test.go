package campaigns

import (
	"reflect"
	"testing"
)

func TestImplementationOnly(t *testing.T) {
	t.Parallel()
	impl := []string{StageImplementation}
	cases := []struct {
		name     string
		partners []Involvement
		want     bool
	}{
		{"no partners", nil, false},
		{"one partner, implementation only", []Involvement{{PartnerID: 1, Stages: impl}}, true},
		{"two partners, implementation only", []Involvement{{PartnerID: 1, Stages: impl}, {PartnerID: 2, Stages: impl}}, true},
		{"one partner also plans", []Involvement{{PartnerID: 1, Stages: []string{StagePlanning, StageImplementation}}}, false},
		{"one partner implements, another evaluates", []Involvement{{PartnerID: 1, Stages: impl}, {PartnerID: 2, Stages: []string{StageEvaluation}}}, false},
		{"one partner monitors only", []Involvement{{PartnerID: 1, Stages: []string{StageMonitoring}}}, false},
		{"one partner at every stage", []Involvement{{PartnerID: 1, Stages: Stages}}, false},
		{"a partner without stages", []Involvement{{PartnerID: 1, Stages: impl}, {PartnerID: 2}}, false},
	}
	for _, tc := range cases {
		if got := ImplementationOnly(tc.partners); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	list := []Campaign{
		{ID: 1, Partners: []Involvement{{PartnerID: 3, Name: "Youth council", Stages: []string{StageImplementation}}}},
		{ID: 2, Partners: []Involvement{}},
		{ID: 3, Partners: []Involvement{{PartnerID: 3, Stages: []string{StagePlanning, StageImplementation}}}},
	}
	rows := Report(list)
	got := []bool{}
	for i, r := range rows {
		if r.Campaign != &list[i] || !reflect.DeepEqual(r.Partners, list[i].Partners) {
			t.Fatalf("row %d is not campaign %d", i, list[i].ID)
		}
		got = append(got, r.ImplementationOnly)
	}
	if !reflect.DeepEqual(got, []bool{true, false, false}) {
		t.Fatalf("implementation only: %v", got)
	}
}

func TestStages(t *testing.T) {
	t.Parallel()
	for from, want := range map[string]string{StagePlanning: StageImplementation, StageImplementation: StageMonitoring,
		StageMonitoring: StageEvaluation, StageEvaluation: "", "party": ""} {
		if got, ok := NextStage(from); got != want || ok != (want != "") {
			t.Errorf("NextStage(%s) = %q, %v", from, got, ok)
		}
	}
	if got := SortStages([]string{StageEvaluation, StagePlanning, StageEvaluation, StageMonitoring}); !reflect.DeepEqual(got,
		[]string{StagePlanning, StageMonitoring, StageEvaluation}) {
		t.Errorf("SortStages = %v", got)
	}
}

func TestTextIn(t *testing.T) {
	t.Parallel()
	c := &Campaign{Translations: []Translation{{Locale: "fr", Title: "Droits"}, {Locale: "en", Title: "Rights", Summary: "S"}, {Locale: "mn", Summary: "Товч"}}}
	for _, tc := range []struct {
		lang, want, in, summary, summaryIn string
		fallback                           bool
	}{
		{"fr", "Droits", "fr", "S", "en", true}, // the summary falls back on its own
		{"en", "Rights", "en", "S", "en", false},
		{"mn", "Rights", "en", "Товч", "mn", true}, // the title falls back, the summary is there
		{"id", "Rights", "en", "S", "en", true},
	} {
		got := c.TextIn(tc.lang, "en")
		if got.Title != tc.want || got.Lang != tc.in || got.Summary != tc.summary || got.SummaryLang != tc.summaryIn || got.Fallback != tc.fallback {
			t.Errorf("TextIn(%s) = %+v", tc.lang, got)
		}
	}
	only := &Campaign{Translations: []Translation{{Locale: "mn", Title: "Эрх"}}}
	if got := only.TextIn("fr", "en"); got.Title != "Эрх" || !got.Fallback {
		t.Errorf("no default language: %+v", got)
	}
}
