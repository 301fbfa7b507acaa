// Package audit writes and reads the audit log: who did what to which object.
// Details never hold sensitive values.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

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
	Action     string // an action, or every action under a prefix ending in "." ("person.")
	ActorID    int64
	ObjectType string
	ObjectID   string
	From       time.Time // at or after
	To         time.Time // before
	Before     int64     // keyset paging: only entries older than this id
	Limit      int       // 1 to MaxLimit; DefaultLimit when out of range
}

// Page sizes of a listing.
const (
	DefaultLimit = 100
	MaxLimit     = 500
)

// IsPrefix reports whether an action filter names a prefix of actions.
func IsPrefix(action string) bool { return strings.HasSuffix(action, ".") }

// where narrows q to the entries f matches.
func (f Filter) where(q *gorm.DB) *gorm.DB {
	switch {
	case f.Action == "":
	case IsPrefix(f.Action):
		// SUBSTR rather than LIKE: exact whatever the letter case and the
		// collation, and with nothing to escape.
		q = q.Where("SUBSTR(action, 1, ?) = ?", utf8.RuneCountInString(f.Action), f.Action)
	default:
		q = q.Where("action = ?", f.Action)
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		q = q.Where("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	return q
}

// List returns the newest entries matching f.
func List(ctx context.Context, db *gorm.DB, f Filter) ([]Entry, error) {
	p, err := ListPage(ctx, db, f)
	return p.Entries, err
}

// Listing is a page of the log, newest first. Next is the Before of the
// following (older) page, 0 on the last page.
type Listing struct {
	Entries []Entry
	Next    int64
}

// ListPage returns a page of the entries matching f, newest first, read
// along the id: each page continues where the one before ended, however
// many entries are written meanwhile.
func ListPage(ctx context.Context, db *gorm.DB, f Filter) (Listing, error) {
	if f.Limit <= 0 || f.Limit > MaxLimit {
		f.Limit = DefaultLimit
	}
	var entries []Entry
	if err := f.where(db.WithContext(ctx)).Order("id DESC").Limit(f.Limit + 1).Find(&entries).Error; err != nil {
		return Listing{}, fmt.Errorf("audit: unable to list entries: %w", err)
	}
	var out Listing
	if len(entries) > f.Limit {
		entries = entries[:f.Limit]
		out.Next = entries[len(entries)-1].ID
	}
	out.Entries = entries
	return out, nil
}

// Log is the audit log for callers outside a transaction: the web layer
// records sign-ins and exports and reads pages of it. A change that is
// audited records its entry with Record in its own transaction instead.
type Log struct{ db *gorm.DB }

// NewLog returns the audit log over db.
func NewLog(db *gorm.DB) *Log { return &Log{db: db} }

// Record writes an entry on its own; see the function Record.
func (l *Log) Record(ctx context.Context, actorID int64, action, objectType, objectID string, details map[string]any) error {
	return Record(l.db.WithContext(ctx), actorID, action, objectType, objectID, details)
}

// ListPage returns one page of the entries f selects; see the function ListPage.
func (l *Log) ListPage(ctx context.Context, f Filter) (Listing, error) { return ListPage(ctx, l.db, f) }
