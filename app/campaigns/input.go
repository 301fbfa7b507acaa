package campaigns

import (
	"context"
	"slices"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/usertext"
)

// Limits of what a campaign holds.
const (
	MaxTitle      = 200
	MaxSummary    = 2000
	MaxNote       = 4000
	MaxItem       = 200
	MaxLetterNote = 1000
	MaxLetters    = 1000000 // letters in one entry
)

// Input is what creating or changing a campaign may set; nil leaves a field
// as it is (or at its default when creating).
type Input struct {
	Title   map[string]string
	Summary map[string]string
	Tags    *[]string
	// Stage: any stage when creating (a campaign may be entered where it
	// stands); when changing, only the next stage (see Advance).
	Stage    *string
	StartsOn *civil.Date // a zero date empties the field
	EndsOn   *civil.Date
	LeadID   *int64 // a user holding the coordinator or admin role
	// Partners replaces the stages of every partner: those left out no
	// longer take part.
	Partners *[]Involvement
}

// apply merges in's texts, themes, dates and lead into c and checks the
// result; the stage and partners are the callers'.
func apply(c *Campaign, in Input, f apperr.Fields) {
	c.Translations = i18n.MergeTexts(c.Translations, i18n.Texts{"title": in.Title, "summary": in.Summary}, f,
		func(t *Translation) string { return t.Locale },
		func(lang string) Translation { return Translation{CampaignID: c.ID, Locale: lang} },
		func(t *Translation, name string) *string {
			if name == "title" {
				return &t.Title
			}
			return &t.Summary
		})
	if in.Tags != nil {
		c.Tags = people.ValidateTags(f, "tags", *in.Tags)
	}
	if in.StartsOn != nil {
		c.StartsOn = *in.StartsOn
	}
	if in.EndsOn != nil {
		c.EndsOn = *in.EndsOn
	}
	if in.LeadID != nil {
		c.LeadID = in.LeadID
	}
	title := false
	for _, t := range c.Translations {
		title = title || t.Title != ""
		usertext.Check(f, "title", t.Title, usertext.Line)
		usertext.Check(f, "summary", t.Summary, usertext.Lines)
		if utf8.RuneCountInString(t.Title) > MaxTitle {
			f.Add("title", "error_too_long", "Max", MaxTitle)
		}
		if utf8.RuneCountInString(t.Summary) > MaxSummary {
			f.Add("summary", "error_too_long", "Max", MaxSummary)
		}
	}
	if !title {
		f.Add("title", "error_title_required")
	}
	if !c.StartsOn.IsZero() && !c.EndsOn.IsZero() && c.EndsOn.Before(c.StartsOn) {
		f.Add("ends_on", "error_campaign_ends_before_starts")
	}
}

// normalize merges the stages given per partner, checks them and drops
// partners left without a stage; the result is by partner id.
func normalize(list []Involvement, f apperr.Fields) []Involvement {
	byID := map[int64][]string{}
	for _, p := range list {
		if p.PartnerID <= 0 {
			f.Add("partners", "error_partner_unknown")
			continue
		}
		for _, st := range p.Stages {
			if !ValidStage(st) {
				f.Add("partners", "error_stage_unknown")
			}
		}
		byID[p.PartnerID] = append(byID[p.PartnerID], p.Stages...)
	}
	out := []Involvement{}
	for id, stages := range byID {
		if len(stages) > 0 {
			out = append(out, Involvement{PartnerID: id, Stages: SortStages(stages)})
		}
	}
	slices.SortFunc(out, func(a, b Involvement) int { return int(a.PartnerID - b.PartnerID) })
	return out
}

// checkRefs adds a field error for a lead who is not staff and for a
// partner organisation that does not exist.
func (s *Store) checkRefs(ctx context.Context, lead *int64, involved []Involvement, f apperr.Fields) error {
	if lead != nil {
		ok, err := s.isStaff(ctx, *lead)
		if err != nil {
			return err
		}
		if !ok {
			f.Add("lead_id", "error_campaign_lead")
		}
	}
	if len(involved) > 0 {
		ids := make([]int64, len(involved))
		for i, p := range involved {
			ids[i] = p.PartnerID
		}
		names, err := partners.Names(s.db.WithContext(ctx), ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, ok := names[id]; !ok {
				f.Add("partners", "error_partner_unknown")
			}
		}
	}
	return nil
}

// isStaff reports whether user id is an enabled coordinator or admin.
func (s *Store) isStaff(ctx context.Context, id int64) (bool, error) {
	if id <= 0 {
		return false, nil
	}
	for _, role := range LeadRoles {
		held, err := s.roles.Holding(ctx, role, []int64{id})
		if err != nil {
			return false, err
		}
		if held[id] {
			return true, nil
		}
	}
	return false, nil
}

// Check validates in as a new campaign would be, storing nothing and
// reading no other table; a form uses it to report every problem at once
// beside its own parsing errors.
func Check(in Input) error {
	f := apperr.Fields{}
	if in.Stage != nil && !ValidStage(*in.Stage) {
		f.Add("stage", "error_stage_unknown")
	}
	apply(&Campaign{Stage: StagePlanning}, in, f)
	return f.Err()
}

// checkText checks a note's or an item's text, of kind k.
func checkText(f apperr.Fields, field, text string, max int, k usertext.Kind) {
	usertext.Check(f, field, text, k)
	switch {
	case text == "":
		f.Add(field, "error_required")
	case utf8.RuneCountInString(text) > max:
		f.Add(field, "error_too_long", "Max", max)
	}
}

func checkStage(f apperr.Fields, stage string) {
	if !ValidStage(stage) {
		f.Add("stage", "error_stage_unknown")
	}
}
