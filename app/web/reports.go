package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/reports"
)

// The key figures: partnerships per year, campaigns by stage, signatures and
// letters, in the API and on /manage/reports.

type apiStageCount struct {
	Stage string `json:"stage"`
	Count int    `json:"count"`
}

type apiCampaignFigures struct {
	CampaignID int64           `json:"campaign_id"`
	Title      string          `json:"title"`
	Stage      string          `json:"stage"`
	Signatures int             `json:"signatures"`
	Letters    apiLetterTotals `json:"letters"`
}

type apiSummary struct {
	Partnerships     apiPartnerFigures    `json:"partnerships"`
	CampaignsByStage []apiStageCount      `json:"campaigns_by_stage"`
	Campaigns        []apiCampaignFigures `json:"campaigns"`
	Signatures       int                  `json:"signatures"`
	Letters          apiLetterTotals      `json:"letters"`
}

// summary computes the key figures for the current user.
func (s *Server) summary(c *fiber.Ctx) (*reports.Summary, error) {
	return s.reports.Summary(c.UserContext(), viewer(c))
}

// apiReportSummary answers GET /api/v1/reports/summary.
func (s *Server) apiReportSummary(c *fiber.Ctx) error {
	sum, err := s.summary(c)
	if err != nil {
		return err
	}
	lang := s.localizer(c).Lang
	out := apiSummary{Partnerships: toAPIPartnerFigures(sum.Partners), CampaignsByStage: []apiStageCount{},
		Campaigns: []apiCampaignFigures{}, Signatures: sum.Signatures,
		Letters: apiLetterTotals{Written: sum.Letters.Written, Delivered: sum.Letters.Delivered}}
	for _, st := range sum.ByStage {
		out.CampaignsByStage = append(out.CampaignsByStage, apiStageCount{Stage: st.Stage, Count: st.Count})
	}
	for _, cf := range sum.Campaigns {
		out.Campaigns = append(out.Campaigns, apiCampaignFigures{CampaignID: cf.Campaign.ID,
			Title: cf.Campaign.TextIn(lang, s.catalog.Default()).Title, Stage: cf.Campaign.Stage, Signatures: cf.Signatures,
			Letters: apiLetterTotals{Written: cf.Letters.Written, Delivered: cf.Letters.Delivered}})
	}
	return c.JSON(out)
}

type summaryStage struct {
	Label string
	Count int
}

type summaryCampaign struct {
	ID                 int64
	Title, Stage       string
	Signatures         int
	Written, Delivered int64
}

type summaryData struct {
	Signatures         int
	Written, Delivered int64
	Established        []figureRow
	Strengthened       []figureRow
	Stages             []summaryStage
	Campaigns          []summaryCampaign
}

// reportsPage shows the key figures as tables.
func (s *Server) reportsPage(c *fiber.Ctx) error {
	sum, err := s.summary(c)
	if err != nil {
		return err
	}
	p := s.page(c, "reports_title", nil)
	d := summaryData{Signatures: sum.Signatures, Written: sum.Letters.Written, Delivered: sum.Letters.Delivered,
		Established: yearRows(sum.Partners.EstablishedPerYear), Strengthened: yearRows(sum.Partners.StrengthenedPerYear)}
	for _, st := range sum.ByStage {
		d.Stages = append(d.Stages, summaryStage{Label: p.L.T(stageLabels[st.Stage]), Count: st.Count})
	}
	for _, cf := range sum.Campaigns {
		d.Campaigns = append(d.Campaigns, summaryCampaign{ID: cf.Campaign.ID, Title: cf.Campaign.TextIn(p.L.Lang, s.catalog.Default()).Title,
			Stage: p.L.T(stageLabels[cf.Campaign.Stage]), Signatures: cf.Signatures, Written: cf.Letters.Written, Delivered: cf.Letters.Delivered})
	}
	p.Data = d
	return s.render(c, fiber.StatusOK, tplReports, p)
}
