// Package outbox queues email in the database and sends it later. A message is
// written in the same transaction as the change that causes it, so a notice is
// never sent for a registration that rolled back nor lost for one that
// committed; a worker on any node then claims and sends it, retrying forever.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

// Message is one queued email, a row of the outbox table.
type Message struct {
	ID            int64
	CreatedAt     time.Time
	Kind          string // what caused it, e.g. "registration.confirmed"
	Locale        string
	ToAddress     string
	Subject       string
	Body          string // plain text; may hold personal data, so never logged
	Attempts      int
	NextAttemptAt time.Time
	SentAt        *time.Time
	LastError     string
	LockedUntil   *time.Time // a worker's claim; NULL or past means free
}

// TableName is the migrated table.
func (Message) TableName() string { return "outbox" }

// Enqueue writes messages with tx, in one statement, which should be the
// caller's transaction so that they land with the change that caused them.
// Delivery state in them is ignored; a zero NextAttemptAt means "now". A
// subject is kept on one line, without control characters, whatever text
// went into it (an activity title an older database holds).
func Enqueue(tx *gorm.DB, messages ...Message) error {
	if len(messages) == 0 {
		return nil
	}
	now := time.Now().UTC()
	rows := make([]Message, len(messages))
	for i, m := range messages {
		if m.Kind == "" {
			return errors.New("outbox: message has no kind")
		}
		// An address that can never be delivered would be retried forever.
		if !mailaddr.Valid(m.ToAddress) {
			return fmt.Errorf("outbox: invalid recipient for %s", m.Kind)
		}
		m.ID, m.CreatedAt, m.Attempts, m.SentAt, m.LastError, m.LockedUntil = 0, now, 0, nil, "", nil
		m.Subject = usertext.OneLine(m.Subject)
		if m.NextAttemptAt.IsZero() {
			m.NextAttemptAt = now
		}
		m.NextAttemptAt = m.NextAttemptAt.UTC().Truncate(time.Microsecond)
		rows[i] = m
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("outbox: unable to enqueue %s: %w", rows[0].Kind, err)
	}
	return nil
}

// Pending counts messages not yet sent, due or not, for health checks.
func Pending(ctx context.Context, db *gorm.DB) (int64, error) {
	var n int64
	if err := db.WithContext(ctx).Model(&Message{}).Where("sent_at IS NULL").Count(&n).Error; err != nil {
		return 0, fmt.Errorf("outbox: unable to count pending messages: %w", err)
	}
	return n, nil
}

// Sender delivers one message. An error means it was not delivered and will
// be retried.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender stands in for SMTP when none is configured (development, tests):
// it logs that a message would have been sent, without its body, which may
// hold personal data.
type LogSender struct{ Log *slog.Logger }

// Send logs m's kind, recipient and subject.
func (s LogSender) Send(ctx context.Context, m Message) error {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "outbox: no SMTP server configured; message logged, not sent",
		"id", m.ID, "kind", m.Kind, "to", m.ToAddress, "subject", m.Subject)
	return nil
}
