// Package audit writes and reads the audit log: who did what to which object.
// Details never hold sensitive values.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Entry is one line of the audit log.
type Entry struct {
	ID         int64
	At         time.Time
	ActorID    *int64
	Action     string
	ObjectType string
	ObjectID   string
	Details    string
}

// TableName is the migrated table.
func (Entry) TableName() string { return "audit_log" }

// Record writes an entry with db, which may be a transaction so that the
// entry lands with the change it describes. actorID 0 means the system.
func Record(db *gorm.DB, actorID int64, action, objectType, objectID string, details map[string]any) error {
	e := Entry{At: time.Now().UTC(), Action: action, ObjectType: objectType, ObjectID: objectID, Details: "{}"}
	if actorID != 0 {
		e.ActorID = &actorID
	}
	if len(details) > 0 {
		b, err := json.Marshal(details)
		if err != nil {
			return fmt.Errorf("audit: unable to encode details: %w", err)
		}
		e.Details = string(b)
	}
	if err := db.Create(&e).Error; err != nil {
		return fmt.Errorf("audit: unable to record %s: %w", action, err)
	}
	return nil
}

// Filter narrows a listing of the log; zero values match everything.
type Filter struct {
	Action  string
	ActorID int64
	Limit   int
}

// List returns the newest entries matching f.
func List(ctx context.Context, db *gorm.DB, f Filter) ([]Entry, error) {
	q := db.WithContext(ctx).Order("id DESC")
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var entries []Entry
	if err := q.Limit(f.Limit).Find(&entries).Error; err != nil {
		return nil, fmt.Errorf("audit: unable to list entries: %w", err)
	}
	return entries, nil
}
