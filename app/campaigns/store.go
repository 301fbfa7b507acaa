package campaigns

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/people"
	"gorm.io/gorm"
)

var (
	errForbidden  = apperr.New(apperr.Forbidden, "error_forbidden")
	errNotYours   = apperr.New(apperr.Forbidden, "error_stage_not_yours")
	errNoPartner  = apperr.New(apperr.NotFound, "error_partner_unknown")
	errStageMoved = apperr.New(apperr.Conflict, "error_stage_change")
)

// LeadRoles are the roles of the users who may lead a campaign.
var LeadRoles = []string{access.Coordinator, access.Admin}

// RoleChecker tells which users hold a role (auth.Store does).
type RoleChecker interface {
	Holding(ctx context.Context, role string, ids []int64) (map[int64]bool, error)
}

// Store reads and writes campaigns.
type Store struct {
	db    *gorm.DB
	roles RoleChecker
	now   clock.Clock
}

// NewStore returns a store over db; roles vouches for lead coordinators,
// now dates notes, ticks, letters and changes.
func NewStore(db *gorm.DB, roles RoleChecker, now clock.Clock) *Store {
	return &Store{db: db, roles: roles, now: now}
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// Create stores a new campaign (staff only). The lead is the creator
// unless given.
func (s *Store) Create(ctx context.Context, v access.Viewer, in Input) (*Campaign, error) {
	if !v.Staff {
		return nil, errForbidden
	}
	if in.LeadID == nil && v.UserID != 0 {
		lead := v.UserID
		in.LeadID = &lead
	}
	c := &Campaign{Stage: StagePlanning}
	f := apperr.Fields{}
	if in.Stage != nil {
		if ValidStage(*in.Stage) {
			c.Stage = *in.Stage
		} else {
			f.Add("stage", "error_stage_unknown")
		}
	}
	apply(c, in, f)
	var involved []Involvement
	if in.Partners != nil {
		involved = normalize(*in.Partners, f)
	}
	if err := s.checkRefs(ctx, in.LeadID, involved, f); err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Omit("Translations").Create(c).Error; err != nil {
			return fmt.Errorf("campaigns: unable to create: %w", err)
		}
		if err := writeTexts(tx, c.ID, c.Translations); err != nil {
			return err
		}
		if err := writeTags(tx, c.ID, c.Tags); err != nil {
			return err
		}
		if err := writePartners(tx, c.ID, involved); err != nil {
			return err
		}
		return audit.Record(tx, v.UserID, "campaign.create", "campaign", idString(c.ID), map[string]any{"stage": c.Stage})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, v, c.ID)
}

// Update merges in into a campaign (staff only). A stage given is either
// the current one (nothing moves) or the next one (the campaign advances);
// any other is a conflict.
func (s *Store) Update(ctx context.Context, v access.Viewer, id int64, in Input) (*Campaign, error) {
	if err := visible(s.db.WithContext(ctx), v, id); err != nil {
		return nil, err
	}
	if !v.Staff {
		return nil, errForbidden
	}
	f := apperr.Fields{}
	if in.Stage != nil && !ValidStage(*in.Stage) {
		f.Add("stage", "error_stage_unknown")
	}
	var involved []Involvement
	if in.Partners != nil {
		involved = normalize(*in.Partners, f)
	}
	if err := s.checkRefs(ctx, in.LeadID, involved, f); err != nil {
		return nil, err
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		c, err := s.get(tx, v, id)
		if err != nil {
			return err
		}
		apply(c, in, f)
		if err := f.Err(); err != nil {
			return err
		}
		if in.Stage != nil && *in.Stage != c.Stage {
			if next, ok := NextStage(c.Stage); !ok || next != *in.Stage {
				return errStageMoved
			}
			if err := s.advance(tx, v, c); err != nil {
				return err
			}
		}
		err = tx.Model(&Campaign{}).Where("id = ?", id).Updates(map[string]any{
			"starts_on": c.StartsOn, "ends_on": c.EndsOn, "lead_id": c.LeadID, "updated_at": s.now()}).Error
		if err != nil {
			return fmt.Errorf("campaigns: unable to save: %w", err)
		}
		if in.Title != nil || in.Summary != nil {
			if err := writeTexts(tx, id, c.Translations); err != nil {
				return err
			}
		}
		if in.Tags != nil {
			if err := writeTags(tx, id, c.Tags); err != nil {
				return err
			}
		}
		if in.Partners != nil {
			if err := writePartners(tx, id, involved); err != nil {
				return err
			}
		}
		return audit.Record(tx, v.UserID, "campaign.update", "campaign", idString(id), nil)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, v, id)
}

// Advance moves a campaign to its next stage (staff only); at evaluation
// there is none, a conflict.
func (s *Store) Advance(ctx context.Context, v access.Viewer, id int64) (*Campaign, error) {
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		c, err := s.get(tx, v, id)
		if err != nil {
			return err
		}
		if !v.Staff {
			return errForbidden
		}
		if _, ok := NextStage(c.Stage); !ok {
			return apperr.New(apperr.Conflict, "error_stage_last")
		}
		return s.advance(tx, v, c)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, v, id)
}

// advance moves c one stage on, unless someone moved it meanwhile.
func (s *Store) advance(tx *gorm.DB, v access.Viewer, c *Campaign) error {
	next, _ := NextStage(c.Stage)
	res := tx.Model(&Campaign{}).Where("id = ? AND stage = ?", c.ID, c.Stage).
		Updates(map[string]any{"stage": next, "updated_at": s.now()})
	if res.Error != nil {
		return fmt.Errorf("campaigns: unable to advance: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return errStageMoved
	}
	from := c.Stage
	c.Stage = next
	return audit.Record(tx, v.UserID, "campaign.advance", "campaign", idString(c.ID), map[string]any{"from": from, "to": next})
}

// SetInvolvement replaces the stages a partner takes part in (staff only);
// no stage removes the partner from the campaign.
func (s *Store) SetInvolvement(ctx context.Context, v access.Viewer, campaignID, partnerID int64, stages []string) (*Campaign, error) {
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := visible(tx, v, campaignID); err != nil {
			return err
		}
		if !v.Staff {
			return errForbidden
		}
		names, err := partners.Names(tx, []int64{partnerID})
		if err != nil {
			return err
		}
		if _, ok := names[partnerID]; !ok {
			return errNoPartner
		}
		f := apperr.Fields{}
		for _, st := range stages {
			if !ValidStage(st) {
				f.Add("stages", "error_stage_unknown")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		stages = SortStages(stages)
		if err := tx.Where("campaign_id = ? AND partner_id = ?", campaignID, partnerID).Delete(&PartnerStage{}).Error; err != nil {
			return fmt.Errorf("campaigns: unable to clear involvement: %w", err)
		}
		if err := insertStages(tx, campaignID, partnerID, stages); err != nil {
			return err
		}
		return audit.Record(tx, v.UserID, "campaign.involvement", "campaign", idString(campaignID),
			map[string]any{"partner_id": partnerID, "stages": stages})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, v, campaignID)
}

func writeTexts(tx *gorm.DB, id int64, texts []Translation) error {
	if err := tx.Where("campaign_id = ?", id).Delete(&Translation{}).Error; err != nil {
		return fmt.Errorf("campaigns: unable to clear texts: %w", err)
	}
	rows := []Translation{}
	for _, t := range texts {
		if t.Title != "" || t.Summary != "" {
			t.CampaignID = id
			rows = append(rows, t)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("campaigns: unable to write texts: %w", err)
	}
	return nil
}

func writeTags(tx *gorm.DB, id int64, names []string) error {
	if err := tx.Where("campaign_id = ?", id).Delete(&CampaignTag{}).Error; err != nil {
		return fmt.Errorf("campaigns: unable to clear themes: %w", err)
	}
	ids, err := people.EnsureTags(tx, names)
	if err != nil {
		return err
	}
	rows := make([]CampaignTag, 0, len(names))
	for _, n := range names {
		rows = append(rows, CampaignTag{CampaignID: id, TagID: ids[n]})
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("campaigns: unable to write themes: %w", err)
	}
	return nil
}

func writePartners(tx *gorm.DB, id int64, involved []Involvement) error {
	if err := tx.Where("campaign_id = ?", id).Delete(&PartnerStage{}).Error; err != nil {
		return fmt.Errorf("campaigns: unable to clear partners: %w", err)
	}
	for _, p := range involved {
		if err := insertStages(tx, id, p.PartnerID, p.Stages); err != nil {
			return err
		}
	}
	return nil
}

func insertStages(tx *gorm.DB, campaignID, partnerID int64, stages []string) error {
	if len(stages) == 0 {
		return nil
	}
	rows := make([]PartnerStage, len(stages))
	for i, st := range stages {
		rows[i] = PartnerStage{CampaignID: campaignID, PartnerID: partnerID, Stage: st}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("campaigns: unable to write involvement: %w", err)
	}
	return nil
}

// --- Reading ---

// --- Notes, checklist and letters ---
