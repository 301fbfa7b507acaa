package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/reports"
)

type StageCount struct {
	Stage string `json:"stage"`
	Count int    `json:"count"`
}

type CampaignFigures struct {
	CampaignID int64        `json:"campaign_id"`
	Title      string       `json:"title"`
	Stage      string       `json:"stage"`
	Signatures int          `json:"signatures"`
	Letters    LetterTotals `json:"letters"`
}

type Share struct {
	Count int `json:"count"`
	Of    int `json:"of"`
}

type apiMonth struct {
	Month string `json:"month"` // YYYY-MM
	New   int    `json:"new"`
	Total int    `json:"total"`
}

type apiPeopleFigures struct {
	Total       int        `json:"total"`
	Months      []apiMonth `json:"months"`
	YouthMaxAge int        `json:"youth_max_age"`
	Youth       Share      `json:"youth"`
	Rural       Share      `json:"rural"`
	Volunteers  Share      `json:"volunteers"`
}

type Summary struct {
	Partnerships     apiPartnerFigures `json:"partnerships"`
	CampaignsByStage []StageCount      `json:"campaigns_by_stage"`
	Campaigns        []CampaignFigures `json:"campaigns"`
	Signatures       int               `json:"signatures"`
	Letters          LetterTotals      `json:"letters"`
	People           apiPeopleFigures  `json:"people"`
	TrainedByRegion  []RegionCount     `json:"trained_by_region"`
}

// ReportSummary answers GET /api/v1/reports/summary.
func (s *Handlers) ReportSummary(c *fiber.Ctx) error {
	sum, err := s.Summary(c)
	if err != nil {
		return err
	}
	ppl, err := s.Reports.People(c.UserContext(), s.Clock())
	if err != nil {
		return err
	}
	trained, err := s.Reports.TrainedByRegion(c.UserContext())
	if err != nil {
		return err
	}
	lang := s.Localizer(c).Lang
	out := Summary{Partnerships: toAPIPartnerFigures(sum.Partners), CampaignsByStage: []StageCount{},
		Campaigns: []CampaignFigures{}, Signatures: sum.Signatures,
		Letters: LetterTotals{Written: sum.Letters.Written, Delivered: sum.Letters.Delivered},
		People: apiPeopleFigures{Total: ppl.Total, Months: []apiMonth{}, YouthMaxAge: reports.YouthMaxAge,
			Youth: Share(ppl.Youth), Rural: Share(ppl.Rural), Volunteers: Share(ppl.Volunteers)},
		TrainedByRegion: []RegionCount{}}
	for _, st := range sum.ByStage {
		out.CampaignsByStage = append(out.CampaignsByStage, StageCount{Stage: st.Stage, Count: st.Count})
	}
	for _, cf := range sum.Campaigns {
		out.Campaigns = append(out.Campaigns, CampaignFigures{CampaignID: cf.Campaign.ID,
			Title: cf.Campaign.TextIn(lang, s.Catalog.Default()).Title, Stage: cf.Campaign.Stage, Signatures: cf.Signatures,
			Letters: LetterTotals{Written: cf.Letters.Written, Delivered: cf.Letters.Delivered}})
	}
	for _, m := range ppl.Months {
		out.People.Months = append(out.People.Months, apiMonth{Month: m.Start.Format("2006-01"), New: m.New, Total: m.Total})
	}
	for _, r := range trained {
		out.TrainedByRegion = append(out.TrainedByRegion, RegionCount{Region: r.Region, Count: r.Count})
	}
	return c.JSON(out)
}
