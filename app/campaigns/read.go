package campaigns

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/partners"
	"gorm.io/gorm"
)

// scoped narrows a query of campaigns to those v may reach.
func scoped(q *gorm.DB, v access.Viewer) *gorm.DB { return q.Scopes(Reached(v, "campaigns.id")) }

// Reached narrows a query whose column col holds a campaign id to the
// campaigns v reaches: staff every one, a partner member those its
// organisation takes part in, anyone else none. Petitions go through it too.
func Reached(v access.Viewer, col string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		switch {
		case v.Staff:
			return q
		case v.PartnerID > 0:
			return q.Where(col+" IN (SELECT campaign_id FROM campaign_partners WHERE partner_id = ?)", v.PartnerID)
		}
		return q.Where("1 = 0")
	}
}

// visible answers ErrNotFound for a campaign v may not reach.
func visible(db *gorm.DB, v access.Viewer, id int64) error {
	var n int64
	if err := scoped(db.Model(&Campaign{}), v).Where("campaigns.id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("campaigns: unable to check a campaign: %w", err)
	}
	if n == 0 {
		return apperr.ErrNotFound
	}
	return nil
}

// Visible answers ErrNotFound unless v may reach campaign id.
func (s *Store) Visible(ctx context.Context, v access.Viewer, id int64) error {
	return visible(s.db.WithContext(ctx), v, id)
}

// find reads the campaigns v may reach that where selects, filled in.
func find(db *gorm.DB, v access.Viewer, where func(*gorm.DB) *gorm.DB) ([]Campaign, error) {
	var list []Campaign
	q := scoped(db.Model(&Campaign{}), v).Preload("Translations", func(q *gorm.DB) *gorm.DB { return q.Order("locale") })
	if where != nil {
		q = where(q)
	}
	if err := q.Order("campaigns.id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("campaigns: unable to list: %w", err)
	}
	if err := fill(db, list); err != nil {
		return nil, err
	}
	return list, nil
}

func (s *Store) get(db *gorm.DB, v access.Viewer, id int64) (*Campaign, error) {
	list, err := find(db, v, func(q *gorm.DB) *gorm.DB { return q.Where("campaigns.id = ?", id) })
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.ErrNotFound
	}
	return &list[0], nil
}

// Get returns one campaign, if v may reach it.
func (s *Store) Get(ctx context.Context, v access.Viewer, id int64) (*Campaign, error) {
	return s.get(s.db.WithContext(ctx), v, id)
}

// List returns every campaign v may reach, oldest first.
func (s *Store) List(ctx context.Context, v access.Viewer) ([]Campaign, error) {
	return find(s.db.WithContext(ctx), v, nil)
}

// ForPartner lists the campaigns partnerID takes part in, with its stages
// in each. A partner member may ask only about its own organisation.
func (s *Store) ForPartner(ctx context.Context, v access.Viewer, partnerID int64) ([]PartnerCampaign, error) {
	if !v.Staff && (v.PartnerID == 0 || v.PartnerID != partnerID) {
		return nil, apperr.ErrNotFound
	}
	list, err := find(s.db.WithContext(ctx), access.Viewer{PartnerID: partnerID}, nil)
	if err != nil {
		return nil, err
	}
	out := make([]PartnerCampaign, len(list))
	for i := range list {
		out[i] = PartnerCampaign{Campaign: list[i], Stages: list[i].StagesOf(partnerID)}
	}
	return out, nil
}

// InvolvementReport is the involvement report of the campaigns v reaches.
func (s *Store) InvolvementReport(ctx context.Context, v access.Viewer) ([]ReportRow, error) {
	list, err := s.List(ctx, v)
	if err != nil {
		return nil, err
	}
	return Report(list), nil
}

// fill reads the themes, partners and letter totals of list, a query each.
func fill(db *gorm.DB, list []Campaign) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	at := map[int64]*Campaign{}
	for i := range list {
		ids[i] = list[i].ID
		at[list[i].ID] = &list[i]
		list[i].Tags, list[i].Partners = []string{}, []Involvement{}
	}
	var tags []struct {
		CampaignID int64
		Name       string
	}
	err := db.Table("campaign_tags").Select("campaign_tags.campaign_id, tags.name").
		Joins("JOIN tags ON tags.id = campaign_tags.tag_id").
		Where("campaign_tags.campaign_id IN ?", ids).Order("tags.name").Scan(&tags).Error
	if err != nil {
		return fmt.Errorf("campaigns: unable to read themes: %w", err)
	}
	for _, t := range tags {
		at[t.CampaignID].Tags = append(at[t.CampaignID].Tags, t.Name)
	}
	var stages []PartnerStage
	if err := db.Where("campaign_id IN ?", ids).Order("campaign_id, partner_id").Find(&stages).Error; err != nil {
		return fmt.Errorf("campaigns: unable to read partners: %w", err)
	}
	partnerIDs := []int64{}
	for _, r := range stages {
		partnerIDs = append(partnerIDs, r.PartnerID)
	}
	names, err := partners.Names(db, partnerIDs)
	if err != nil {
		return err
	}
	for _, r := range stages {
		c := at[r.CampaignID]
		if n := len(c.Partners); n == 0 || c.Partners[n-1].PartnerID != r.PartnerID {
			c.Partners = append(c.Partners, Involvement{PartnerID: r.PartnerID, Name: names[r.PartnerID]})
		}
		p := &c.Partners[len(c.Partners)-1]
		p.Stages = append(p.Stages, r.Stage)
	}
	for i := range list {
		for j := range list[i].Partners {
			list[i].Partners[j].Stages = SortStages(list[i].Partners[j].Stages)
		}
	}
	var totals []struct {
		CampaignID int64
		Written    int64
		Delivered  int64
	}
	err = db.Model(&Letter{}).
		Select("campaign_id, SUM(count) AS written, SUM(CASE WHEN delivered_on IS NULL THEN 0 ELSE count END) AS delivered").
		Where("campaign_id IN ?", ids).Group("campaign_id").Scan(&totals).Error
	if err != nil {
		return fmt.Errorf("campaigns: unable to count letters: %w", err)
	}
	for _, t := range totals {
		at[t.CampaignID].Letters = LetterTotals{Written: t.Written, Delivered: t.Delivered}
	}
	return nil
}

// PartnerRef is a partner organisation as a choice.
type PartnerRef struct {
	ID   int64
	Name string
}

// PartnerChoices lists every partner organisation by name, for staff who
// involve one in a campaign.
func (s *Store) PartnerChoices(ctx context.Context) ([]PartnerRef, error) {
	names, err := partners.Names(s.db.WithContext(ctx), nil)
	if err != nil {
		return nil, err
	}
	out := make([]PartnerRef, 0, len(names))
	for id, n := range names {
		out = append(out, PartnerRef{ID: id, Name: n})
	}
	slices.SortFunc(out, func(a, b PartnerRef) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// mayContribute lets staff write at every stage and a partner member only
// at the stages its organisation takes part in.
func mayContribute(db *gorm.DB, v access.Viewer, campaignID int64, stage string) error {
	if v.Staff {
		return nil
	}
	if v.PartnerID == 0 {
		return errForbidden
	}
	var n int64
	err := db.Model(&PartnerStage{}).Where("campaign_id = ? AND partner_id = ? AND stage = ?", campaignID, v.PartnerID, stage).
		Count(&n).Error
	if err != nil {
		return fmt.Errorf("campaigns: unable to check involvement: %w", err)
	}
	if n == 0 {
		return errNotYours
	}
	return nil
}
