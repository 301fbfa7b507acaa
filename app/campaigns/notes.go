package campaigns

import (
	"context"
	"fmt"
	"strings"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

// Notes returns a campaign's notes, every stage's, oldest first (a log read
// from top to bottom, its form at the end).
func (s *Store) Notes(ctx context.Context, v access.Viewer, campaignID int64) ([]NoteEntry, error) {
	db := s.db.WithContext(ctx)
	if err := visible(db, v, campaignID); err != nil {
		return nil, err
	}
	return notes(db, "campaign_notes.campaign_id = ?", campaignID)
}

func notes(db *gorm.DB, where string, arg any) ([]NoteEntry, error) {
	var list []NoteEntry
	err := db.Table("campaign_notes").Select("campaign_notes.*, COALESCE(users.display_name, '') AS author_name").
		Joins("LEFT JOIN users ON users.id = campaign_notes.author_id").
		Where(where, arg).Order("campaign_notes.created_at, campaign_notes.id").Scan(&list).Error
	if err != nil {
		return nil, fmt.Errorf("campaigns: unable to read notes: %w", err)
	}
	return list, namePartners(db, list, func(n *NoteEntry) (*int64, *string) { return n.PartnerID, &n.PartnerName })
}

// namePartners fills in the organisation's name of each entry of list
// written or ticked by a partner member: of finds the entry's organisation
// id (nil for staff) and where its name goes.
func namePartners[E any](db *gorm.DB, list []E, of func(*E) (*int64, *string)) error {
	ids := []int64{}
	for i := range list {
		if id, _ := of(&list[i]); id != nil {
			ids = append(ids, *id)
		}
	}
	names, err := partners.Names(db, ids)
	if err != nil {
		return err
	}
	for i := range list {
		if id, name := of(&list[i]); id != nil {
			*name = names[*id]
		}
	}
	return nil
}

// AddNote writes a note at a stage of a campaign: staff at any stage, a
// partner member at its organisation's stages only.
func (s *Store) AddNote(ctx context.Context, v access.Viewer, campaignID int64, stage, text string) (*NoteEntry, error) {
	n := Note{CampaignID: campaignID, Stage: stage, Text: strings.TrimSpace(text), CreatedAt: s.now()}
	if v.UserID != 0 {
		n.AuthorID = &v.UserID
	}
	if !v.Staff && v.PartnerID != 0 {
		n.PartnerID = &v.PartnerID
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := visible(tx, v, campaignID); err != nil {
			return err
		}
		f := apperr.Fields{}
		checkStage(f, stage)
		checkText(f, "text", n.Text, MaxNote, usertext.Lines)
		if err := f.Err(); err != nil {
			return err
		}
		if err := mayContribute(tx, v, campaignID, stage); err != nil {
			return err
		}
		if err := tx.Create(&n).Error; err != nil {
			return fmt.Errorf("campaigns: unable to write a note: %w", err)
		}
		return audit.Record(tx, v.UserID, "campaign.note", "campaign", idString(campaignID),
			map[string]any{"note_id": n.ID, "stage": stage})
	})
	if err != nil {
		return nil, err
	}
	list, err := notes(s.db.WithContext(ctx), "campaign_notes.id = ?", n.ID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.ErrNotFound
	}
	return &list[0], nil
}
