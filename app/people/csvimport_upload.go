package people

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"gorm.io/gorm"
)

// errUploadGone answers for an upload that expired, was imported already,
// or is someone else's.
var errUploadGone = apperr.New(apperr.NotFound, "import_error_expired")

// ImportUploadLifetime is how long an uploaded file waits for its mapping.
const ImportUploadLifetime = time.Hour

// ImportUpload is a CSV file kept between its upload and the mapping step
// of the import page, since app nodes keep no state. It holds personal
// data: it expires after ImportUploadLifetime, is deleted with the import
// that reads it, and only its uploader may read it.
type ImportUpload struct {
	ID           int64
	UserID       int64
	Filename     string
	Data         []byte
	UpdateKnown  bool
	AllOrNothing bool
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

// TableName is the migrated table.
func (ImportUpload) TableName() string { return "import_uploads" }

// SaveUpload keeps a file for the mapping step (u's ID and times are set),
// and deletes the uploads that have expired by now.
func (s *Store) SaveUpload(ctx context.Context, u *ImportUpload) error {
	u.CreatedAt = s.now()
	u.ExpiresAt = u.CreatedAt.Add(ImportUploadLifetime)
	if err := s.sweepUploads(ctx, u.CreatedAt); err != nil {
		return err
	}
	if err := s.db.WithContext(ctx).Create(u).Error; err != nil {
		return fmt.Errorf("people: unable to keep an upload: %w", err)
	}
	return nil
}

// Upload returns upload id of userID while it lasts. Anyone else's, and
// one expired or imported, is not found.
func (s *Store) Upload(ctx context.Context, id, userID int64) (*ImportUpload, error) {
	var u ImportUpload
	err := s.db.WithContext(ctx).Where("id = ? AND user_id = ? AND expires_at > ?", id, userID, s.now()).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errUploadGone
	}
	if err != nil {
		return nil, fmt.Errorf("people: unable to read an upload: %w", err)
	}
	return &u, nil
}

// SweepUploads deletes the uploads that have expired.
func (s *Store) SweepUploads(ctx context.Context) error { return s.sweepUploads(ctx, s.now()) }

func (s *Store) sweepUploads(ctx context.Context, now time.Time) error {
	if err := s.db.WithContext(ctx).Where("expires_at <= ?", now).Delete(&ImportUpload{}).Error; err != nil {
		return fmt.Errorf("people: unable to sweep uploads: %w", err)
	}
	return nil
}
