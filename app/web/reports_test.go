package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/web/api"
)

// TestReportSummary: the key figures count signatures and letters per
// campaign and in all, and campaigns by stage; only staff read them.
func TestReportSummary(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := newScopeFixture(t, e)
		c, tok := apiStaff(e)
		for i, slug := range []string{f.petASlug, f.petBSlug, f.petBSlug} {
			body := `{"given_name": "Saraa", "email": "s` + itoa(int64(i)) + `@example.org", "consent": true}`
			if res := c.api("POST", "/api/v1/petitions/"+slug+"/signatures", tok, body); res.StatusCode != http.StatusCreated {
				t.Fatalf("sign: %d %s", res.StatusCode, res.Body)
			}
		}
		var sum api.Summary
		apiJSON(t, c.api("GET", "/api/v1/reports/summary?lang=fr", tok, ""), http.StatusOK, &sum)
		if sum.Signatures != 3 || sum.Letters.Written != 7 || sum.Letters.Delivered != 0 {
			t.Fatalf("totals: %+v", sum)
		}
		if len(sum.CampaignsByStage) != 4 || sum.CampaignsByStage[0] != (api.StageCount{Stage: "planning", Count: 2}) {
			t.Fatalf("by stage: %+v", sum.CampaignsByStage)
		}
		per := map[int64]api.CampaignFigures{}
		for _, cf := range sum.Campaigns {
			per[cf.CampaignID] = cf
		}
		if per[f.campA].Signatures != 1 || per[f.campB].Signatures != 2 || per[f.campB].Letters.Written != 7 || per[f.campB].Title != "Campaign B Hidden" {
			t.Fatalf("per campaign: %+v", per)
		}
		apiWantKeys(t, "Summary", json.RawMessage(c.api("GET", "/api/v1/reports/summary", tok, "").Body),
			"partnerships", "campaigns_by_stage", "campaigns", "signatures", "letters", "people", "trained_by_region")

		c.login("coord@example.org")
		page := c.get("/manage/reports?lang=fr")
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Chiffres clés") || !strings.Contains(page.Body, `id="total-signatures">3<`) {
			t.Fatalf("reports page: %d", page.StatusCode)
		}
		if res := f.member.api("GET", "/api/v1/reports/summary", f.token, ""); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a partner member reads the summary: %d", res.StatusCode)
		}
		e.user("fac@example.org", access.Facilitator)
		fac := e.client()
		fac.login("fac@example.org")
		if res := fac.get("/manage/reports"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a facilitator reads the reports: %d", res.StatusCode)
		}
	})
}
