package campaigns

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

// Checklist returns a campaign's checklist, stage by stage in order.
func (s *Store) Checklist(ctx context.Context, v access.Viewer, campaignID int64) ([]ChecklistEntry, error) {
	db := s.db.WithContext(ctx)
	if err := visible(db, v, campaignID); err != nil {
		return nil, err
	}
	list, err := checklist(db, "campaign_checklist.campaign_id = ?", campaignID)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(list, func(a, b ChecklistEntry) int {
		return slices.Index(Stages, a.Stage) - slices.Index(Stages, b.Stage)
	})
	return list, nil
}

func checklist(db *gorm.DB, where string, arg any) ([]ChecklistEntry, error) {
	var list []ChecklistEntry
	err := db.Table("campaign_checklist").
		Select("campaign_checklist.*, COALESCE(users.display_name, '') AS done_by_name, users.partner_id AS done_by_partner_id").
		Joins("LEFT JOIN users ON users.id = campaign_checklist.done_by").
		Where(where, arg).Order("campaign_checklist.position, campaign_checklist.id").Scan(&list).Error
	if err != nil {
		return nil, fmt.Errorf("campaigns: unable to read the checklist: %w", err)
	}
	return list, namePartners(db, list, func(e *ChecklistEntry) (*int64, *string) { return e.DoneByPartnerID, &e.DoneByPartner })
}

func (s *Store) item(ctx context.Context, id int64) (*ChecklistEntry, error) {
	list, err := checklist(s.db.WithContext(ctx), "campaign_checklist.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.ErrNotFound
	}
	return &list[0], nil
}

// AddItem puts an item at the end of a stage's checklist (staff only).
func (s *Store) AddItem(ctx context.Context, v access.Viewer, campaignID int64, stage, text string) (*ChecklistEntry, error) {
	it := ChecklistItem{CampaignID: campaignID, Stage: stage, Text: strings.TrimSpace(text), CreatedAt: s.now()}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := visible(tx, v, campaignID); err != nil {
			return err
		}
		if !v.Staff {
			return errForbidden
		}
		f := apperr.Fields{}
		checkStage(f, stage)
		checkText(f, "text", it.Text, MaxItem, usertext.Line)
		if err := f.Err(); err != nil {
			return err
		}
		var last int
		if err := tx.Model(&ChecklistItem{}).Where("campaign_id = ? AND stage = ?", campaignID, stage).
			Select("COALESCE(MAX(position), -1)").Scan(&last).Error; err != nil {
			return fmt.Errorf("campaigns: unable to read the checklist: %w", err)
		}
		it.Position = last + 1
		if err := tx.Create(&it).Error; err != nil {
			return fmt.Errorf("campaigns: unable to add a checklist item: %w", err)
		}
		return audit.Record(tx, v.UserID, "campaign.checklist_add", "campaign", idString(campaignID),
			map[string]any{"item_id": it.ID, "stage": stage})
	})
	if err != nil {
		return nil, err
	}
	return s.item(ctx, it.ID)
}

// Tick marks a checklist item done or not done: staff at any stage, a
// partner member at its organisation's stages only. Ticking a done item
// again keeps who ticked it first, and when.
func (s *Store) Tick(ctx context.Context, v access.Viewer, campaignID, itemID int64, done bool) (*ChecklistEntry, error) {
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := visible(tx, v, campaignID); err != nil {
			return err
		}
		var it ChecklistItem
		err := tx.Where("id = ? AND campaign_id = ?", itemID, campaignID).Take(&it).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("campaigns: unable to read a checklist item: %w", err)
		}
		if err := mayContribute(tx, v, campaignID, it.Stage); err != nil {
			return err
		}
		if done == (it.DoneAt != nil) {
			return nil
		}
		set := map[string]any{"done_at": nil, "done_by": nil}
		if done {
			set["done_at"] = s.now()
			if v.UserID != 0 {
				set["done_by"] = v.UserID
			}
		}
		if err := tx.Model(&ChecklistItem{}).Where("id = ?", itemID).Updates(set).Error; err != nil {
			return fmt.Errorf("campaigns: unable to tick an item: %w", err)
		}
		return audit.Record(tx, v.UserID, "campaign.checklist_tick", "campaign", idString(campaignID),
			map[string]any{"item_id": itemID, "done": done})
	})
	if err != nil {
		return nil, err
	}
	return s.item(ctx, itemID)
}
