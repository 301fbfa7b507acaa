package database

import (
	"errors"
	"time"

	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// KV is a small key-value store over one table (id, data, expires_at). It
// satisfies fiber.Storage, so Fiber's session and limiter middleware keep their
// state in the database and any node can serve any request.
type KV struct {
	db    *gorm.DB
	table string
}

type kvRow struct {
	ID        string `gorm:"primaryKey"`
	Data      []byte
	ExpiresAt int64
}

// NewKV returns a KV over table, which a migration created.
func NewKV(db *gorm.DB, table string) *KV { return &KV{db: db, table: table} }

// unstorable reports whether no row can have key: PostgreSQL refuses to
// compare text holding NUL or bytes that are not UTF-8, and a cookie may
// hold them.
func unstorable(key string) bool { return usertext.Problem(key, usertext.Any) != "" }

// Get returns the value of key, or nil when it is absent or expired.
func (s *KV) Get(key string) ([]byte, error) {
	if unstorable(key) {
		return nil, nil
	}
	var row kvRow
	err := s.db.Table(s.table).Where("id = ?", key).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if row.ExpiresAt != 0 && row.ExpiresAt <= time.Now().Unix() {
		return nil, nil
	}
	return row.Data, nil
}

// Set stores val under key; exp 0 keeps it until deleted.
func (s *KV) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	row := kvRow{ID: key, Data: val}
	if exp > 0 {
		row.ExpiresAt = time.Now().Add(exp).Unix()
	}
	return s.db.Table(s.table).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expires_at"}),
	}).Create(&row).Error
}

// Delete removes key.
func (s *KV) Delete(key string) error {
	if unstorable(key) {
		return nil
	}
	return s.db.Table(s.table).Where("id = ?", key).Delete(&kvRow{}).Error
}

// Reset removes every key.
func (s *KV) Reset() error {
	return s.db.Table(s.table).Where("1 = 1").Delete(&kvRow{}).Error
}

// Close does nothing: the pool belongs to the caller.
func (s *KV) Close() error { return nil }

// Sweep removes expired keys; the server calls it now and then.
func (s *KV) Sweep() error {
	return s.db.Table(s.table).Where("expires_at <> 0 AND expires_at <= ?", time.Now().Unix()).Delete(&kvRow{}).Error
}
