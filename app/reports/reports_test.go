package reports

import (
	"testing"

	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/petitions"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	list := []campaigns.Campaign{
		{ID: 1, Stage: campaigns.StagePlanning, Letters: campaigns.LetterTotals{Written: 10, Delivered: 4}},
		{ID: 2, Stage: campaigns.StageMonitoring},
		{ID: 3, Stage: campaigns.StagePlanning, Letters: campaigns.LetterTotals{Written: 1}},
	}
	pets := map[int64][]petitions.Petition{1: {{Signatures: 5}, {Signatures: 7}}, 2: {{Signatures: 1}}, 9: {{Signatures: 100}}}
	got := summarize(&partners.Figures{}, list, pets)
	if got.Signatures != 13 || got.Letters.Written != 11 || got.Letters.Delivered != 4 {
		t.Fatalf("totals: %d signatures, letters %+v", got.Signatures, got.Letters)
	}
	if got.Campaigns[0].Signatures != 12 || got.Campaigns[1].Signatures != 1 || got.Campaigns[2].Signatures != 0 {
		t.Fatalf("per campaign: %+v", got.Campaigns)
	}
	want := []StageCount{{"planning", 2}, {"implementation", 0}, {"monitoring", 1}, {"evaluation", 0}}
	for i, w := range want {
		if got.ByStage[i] != w {
			t.Fatalf("by stage %v, want %v", got.ByStage, want)
		}
	}
	if empty := summarize(&partners.Figures{}, nil, nil); empty.Signatures != 0 || len(empty.ByStage) != 4 || empty.Campaigns != nil {
		t.Fatalf("empty summary %+v", empty)
	}
}
