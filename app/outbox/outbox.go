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

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
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

	// ListUnsubscribe, when set, is an absolute http(s) URL that unsubscribes
	// the recipient with one POST (RFC 8058): the message then carries
	// List-Unsubscribe, List-Unsubscribe-Post and Precedence: bulk. Not
	// stored: whoever sends a mailing's message sets it.
	ListUnsubscribe string `gorm:"-"`
}

// KindMailing is the Kind of a mailing's message: its Message-ID names
// mailings, so it never equals that of an outbox row with the same ID.
const KindMailing = "mailing"

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

// Get returns the message with id, sent or not.
func Get(ctx context.Context, db *gorm.DB, id int64) (Message, error) {
	var m Message
	err := db.WithContext(ctx).Where("id = ?", id).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return m, apperr.ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("outbox: unable to read message %d: %w", id, err)
	}
	return m, nil
}

// purgeBatch is how many rows one statement of Purge deletes: a backlog
// goes in short writes that never hold the lock for long.
const purgeBatch = 500

// Purge deletes the mail sent before before, a batch at a time, and says
// how many messages went. Mail not yet sent stays however old: the worker
// never gives up on it (a notice lost silently is worse than one late), and
// erasing a person removes the mail queued to them.
func Purge(ctx context.Context, db *gorm.DB, before time.Time) (int64, error) {
	return purge(ctx, db, before, purgeBatch)
}

func purge(ctx context.Context, db *gorm.DB, before time.Time, batch int) (int64, error) {
	before = before.UTC().Truncate(time.Microsecond)
	var total int64
	for {
		var n int64
		err := database.Tx(ctx, db, func(tx *gorm.DB) error {
			res := tx.Exec(`DELETE FROM outbox WHERE id IN (
				SELECT id FROM outbox WHERE sent_at < ? ORDER BY sent_at LIMIT ?)`, before, batch)
			n = res.RowsAffected
			return res.Error
		})
		if err != nil {
			return total, fmt.Errorf("outbox: unable to purge sent mail: %w", err)
		}
		total += n
		if n < int64(batch) {
			return total, nil
		}
	}
}

// Sender delivers one message. An error means it was not delivered and will
// be retried.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Session delivers several messages over one connection. It is not safe
// for concurrent use.
type Session interface {
	Send(ctx context.Context, m Message) error
	Close() error
}

// SessionSender is a Sender that can keep one connection for several messages.
type SessionSender interface {
	Sender
	Open(ctx context.Context) (Session, error)
}

// LogSender stands in for SMTP when none is configured (development, tests):
// it logs that a message was not sent, naming it by id, kind and language
// only. The recipient, subject and body stay in the outbox table, where
// `gotong outbox show --id N` prints them for a developer.
type LogSender struct{ Log *slog.Logger }

// Send logs m's id, kind and locale.
func (s LogSender) Send(ctx context.Context, m Message) error {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "outbox: no SMTP server configured; message not sent (gotong outbox show --id prints it)",
		"id", m.ID, "kind", m.Kind, "locale", m.Locale)
	return nil
}

// Open returns a session that logs each message as Send does.
func (s LogSender) Open(context.Context) (Session, error) { return logSession{s}, nil }

type logSession struct{ LogSender }

func (logSession) Close() error { return nil }
