// Package formlimit counts the notices that public forms send to each email.
//
// Public forms (registrations, signatures) are not limited per client
// address: a mobile carrier or a school puts hundreds of young people behind
// one. They are limited per email, so that nobody can have a stranger's
// inbox flooded with notices. The limit is silent: a form answers the same
// whatever the email and however often it was used, and over the limit only
// the notice stays unsent; a 429 would tell a stranger something about the
// address, and would let them lock its owner out. Submissions that send
// nothing (refusals) count nothing. The count is taken inside the
// transaction that handles the submissions, in one statement for a whole
// batch of them, so it costs a rush almost nothing, holds across any number
// of nodes, and rolls back with the submissions if they do.
package formlimit

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The limit: PerEmail notices per Window to one address, all public forms
// together.
const (
	PerEmail = 10
	Window   = time.Hour
)

// Counter is a row of form_limits.
type Counter struct {
	Key      string `gorm:"primaryKey"`
	Hits     int
	ResetsAt int64
}

// TableName is the migrated table.
func (Counter) TableName() string { return "form_limits" }

// Key is the counter of an email (already normalised).
func Key(email string) string { return "form:" + email }

// Count adds hits[key] notices to each key's counter in tx and returns each
// key's total within its current window, the new hits included. A window
// starts with the first notice after the last one ended. Keys
// are written in sorted order, so that two transactions counting the same
// keys cannot deadlock.
func Count(tx *gorm.DB, hits map[string]int, now time.Time) (map[string]int, error) {
	if len(hits) == 0 {
		return map[string]int{}, nil
	}
	keys := make([]string, 0, len(hits))
	for k := range hits {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var values strings.Builder
	args := []any{sql.Named("now", now.Unix())}
	for i, k := range keys {
		if i > 0 {
			values.WriteString(", ")
		}
		fmt.Fprintf(&values, "(@k%d, @h%d, @resets)", i, i)
		args = append(args, sql.Named(fmt.Sprintf("k%d", i), k), sql.Named(fmt.Sprintf("h%d", i), hits[k]))
	}
	args = append(args, sql.Named("resets", now.Add(Window).Unix()))
	query := `INSERT INTO form_limits (key, hits, resets_at) VALUES ` + values.String() + `
ON CONFLICT (key) DO UPDATE SET
	hits = CASE WHEN form_limits.resets_at <= @now THEN excluded.hits ELSE form_limits.hits + excluded.hits END,
	resets_at = CASE WHEN form_limits.resets_at <= @now THEN excluded.resets_at ELSE form_limits.resets_at END
RETURNING key, hits`
	var rows []struct {
		Key  string
		Hits int
	}
	if err := tx.Raw(query, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("formlimit: unable to count: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Key] = r.Hits
	}
	return out, nil
}

// Sweep removes counters whose window has ended.
func Sweep(db *gorm.DB, now time.Time) error {
	if err := db.Where("resets_at <= ?", now.Unix()).Delete(&Counter{}).Error; err != nil {
		return fmt.Errorf("formlimit: unable to sweep: %w", err)
	}
	return nil
}
