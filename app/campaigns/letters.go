package campaigns

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

// LetterInput is a batch of letters as logged.
type LetterInput struct {
	Count       int
	DeliveredOn civil.Date // zero: not delivered (yet)
	Note        string
}

// latestToday is the date it is now somewhere on Earth (UTC+14): a
// delivery logged in the morning in Ulaanbaatar or Jakarta is not "in the
// future" because it is still yesterday in UTC.
func latestToday(now time.Time) civil.Date { return civil.Of(now.UTC().Add(14 * time.Hour)) }

// Letters returns the letters logged for a campaign, oldest first.
func (s *Store) Letters(ctx context.Context, v access.Viewer, campaignID int64) ([]Letter, error) {
	db := s.db.WithContext(ctx)
	if err := visible(db, v, campaignID); err != nil {
		return nil, err
	}
	var list []Letter
	if err := db.Where("campaign_id = ?", campaignID).Order("created_at, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("campaigns: unable to read letters: %w", err)
	}
	return list, nil
}

// AddLetter logs letters written for a campaign (staff only).
func (s *Store) AddLetter(ctx context.Context, v access.Viewer, campaignID int64, in LetterInput) (*Letter, error) {
	l := Letter{CampaignID: campaignID, Count: in.Count, DeliveredOn: in.DeliveredOn, Note: strings.TrimSpace(in.Note),
		CreatedAt: s.now()}
	if v.UserID != 0 {
		l.CreatedBy = &v.UserID
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := visible(tx, v, campaignID); err != nil {
			return err
		}
		if !v.Staff {
			return errForbidden
		}
		f := apperr.Fields{}
		if l.Count < 1 || l.Count > MaxLetters {
			f.Add("count", "error_letter_count", "Max", MaxLetters)
		}
		if !l.DeliveredOn.IsZero() && l.DeliveredOn.After(latestToday(s.now())) {
			f.Add("delivered_on", "error_delivered_future")
		}
		usertext.Check(f, "note", l.Note, usertext.Lines)
		if utf8.RuneCountInString(l.Note) > MaxLetterNote {
			f.Add("note", "error_too_long", "Max", MaxLetterNote)
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := tx.Create(&l).Error; err != nil {
			return fmt.Errorf("campaigns: unable to log letters: %w", err)
		}
		return audit.Record(tx, v.UserID, "campaign.letters", "campaign", idString(campaignID),
			map[string]any{"letter_id": l.ID, "count": l.Count})
	})
	if err != nil {
		return nil, err
	}
	return &l, nil
}
