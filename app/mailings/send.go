package mailings

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/outbox"
	"gorm.io/gorm"
)

// A recipient row's statuses.
const (
	recipientQueued  = "queued"
	recipientSent    = "sent"
	recipientFailed  = "failed"
	recipientSkipped = "skipped"
)

// Recipient is one message of a mailing: a row of mailing_recipients.
type Recipient struct {
	ID             int64
	MailingID      int64
	PersonID       *int64
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LockedUntil    *time.Time
	SentAt         *time.Time
	UnsubscribedAt *time.Time
}

// TableName is the migrated table.
func (Recipient) TableName() string { return "mailing_recipients" }

// Link is one counted link of a mailing.
type Link struct {
	MailingID int64 `gorm:"primaryKey"`
	Idx       int   `gorm:"primaryKey"`
	URL       string
}

// TableName is the migrated table.
func (Link) TableName() string { return "mailing_links" }

var (
	errNotSendable = apperr.New(apperr.Conflict, "error_mailing_not_sendable")
	errNoOne       = apperr.New(apperr.Conflict, "error_mailing_no_recipients")
	errNotSending  = apperr.New(apperr.Conflict, "error_mailing_not_cancellable")
	errPast        = apperr.Fields{"at": {ID: "error_mailing_at_past"}}.Err()
)

// Send starts a draft or scheduled mailing, as actorID: at once when at is
// nil (its recipients are written then), or at at, a time to come. A
// mailing that would reach nobody is not started.
func (s *Service) Send(ctx context.Context, actorID, id int64, at *time.Time) (*Mailing, error) {
	m, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.Status != StatusDraft && m.Status != StatusScheduled {
		return nil, errNotSendable
	}
	now := s.stamp()
	if at != nil {
		if !at.After(now) {
			return nil, errPast
		}
		t := at.UTC().Truncate(time.Microsecond)
		err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
			res := tx.Model(&Mailing{}).Where("id = ? AND status IN ?", id, []string{StatusDraft, StatusScheduled}).
				Updates(map[string]any{"status": StatusScheduled, "scheduled_at": t, "updated_at": now})
			if res.Error != nil {
				return fmt.Errorf("mailings: unable to schedule: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				return errNotSendable
			}
			return audit.Record(tx, actorID, "mailing.schedule", "mailing", strconv.FormatInt(id, 10), nil)
		})
		if err != nil {
			return nil, err
		}
		return s.Get(ctx, id)
	}
	started, err := s.start(ctx, actorID, m, []string{StatusDraft, StatusScheduled}, true)
	if err != nil {
		return nil, err
	}
	if !started {
		return nil, errNotSendable
	}
	select { // wake this node's worker; one signal waiting is enough
	case s.started <- struct{}{}:
	default:
	}
	return s.Get(ctx, id)
}

// start moves m from one of the statuses from to sending and writes its
// recipients and counted links, in one transaction: the status changes only
// where it still is one of from, so of two nodes starting one mailing, one
// writes its recipients and the other nothing. It says whether it started.
// With refuseEmpty, a mailing that would reach nobody does not start
// (errNoOne): the recipients written tell, so no count is made before.
func (s *Service) start(ctx context.Context, actorID int64, m *Mailing, from []string, refuseEmpty bool) (bool, error) {
	f, err := s.filter(ctx, m)
	if err != nil {
		return false, err
	}
	now := s.stamp()
	cond, args := reachable(f, civil.Of(now))
	started := false
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		// From now on the mailing names the filter it went to, not its
		// segment, which may change or go: the record stays true, and the
		// segment is free to be deleted.
		res := tx.Model(&Mailing{}).Where("id = ? AND status IN ?", m.ID, from).
			Updates(map[string]any{"status": StatusSending, "started_at": now, "updated_at": now,
				"segment_id": nil, "query": f.Values().Encode()})
		if res.Error != nil {
			return fmt.Errorf("mailings: unable to start: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		started = true
		ins := tx.Exec(`INSERT INTO mailing_recipients (mailing_id, person_id, status, attempts, next_attempt_at)
			SELECT ?, people.id, ?, 0, ? FROM people WHERE `+cond+` ORDER BY people.id`,
			append([]any{m.ID, recipientQueued, now}, args...)...)
		if ins.Error != nil {
			return fmt.Errorf("mailings: unable to write the recipients: %w", ins.Error)
		}
		if ins.RowsAffected == 0 && refuseEmpty {
			started = false
			return errNoOne
		}
		var links []Link
		for _, t := range m.Texts {
			for _, l := range Links(t.Body) {
				if !containsLink(links, l) {
					links = append(links, Link{MailingID: m.ID, Idx: len(links) + 1, URL: l})
				}
			}
		}
		if len(links) > 0 {
			if err := tx.Create(&links).Error; err != nil {
				return fmt.Errorf("mailings: unable to write the links: %w", err)
			}
		}
		return audit.Record(tx, actorID, "mailing.send", "mailing", strconv.FormatInt(m.ID, 10),
			map[string]any{"recipients": ins.RowsAffected})
	})
	return started, err
}

func containsLink(links []Link, url string) bool {
	for _, l := range links {
		if l.URL == url {
			return true
		}
	}
	return false
}

// StartDue starts the scheduled mailings whose time has come, and says how
// many it started. Each node may call it: a mailing starts once.
func (s *Service) StartDue(ctx context.Context) (int, error) {
	var due []Mailing
	err := s.db.WithContext(ctx).Preload("Texts").Where("status = ? AND scheduled_at <= ?", StatusScheduled, s.stamp()).
		Order("scheduled_at, id").Find(&due).Error
	if err != nil {
		return 0, fmt.Errorf("mailings: unable to find due mailings: %w", err)
	}
	n := 0
	var errs []error
	for i := range due {
		started, err := s.start(ctx, 0, &due[i], []string{StatusScheduled}, false)
		var ae *apperr.Error
		if errors.As(err, &ae) {
			// Its segment went or no longer reads: it cannot go out, and
			// trying each minute would not change that.
			err = s.db.WithContext(ctx).Model(&Mailing{}).Where("id = ? AND status = ?", due[i].ID, StatusScheduled).
				Updates(map[string]any{"status": StatusCancelled, "finished_at": s.stamp(), "updated_at": s.stamp()}).Error
		}
		if started {
			n++
		}
		errs = append(errs, err)
	}
	return n, errors.Join(errs...)
}

// Cancel stops a scheduled or sending mailing, as actorID: no message goes
// after it, and what was not sent stays counted as queued.
func (s *Service) Cancel(ctx context.Context, actorID, id int64) (*Mailing, error) {
	m, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	values := map[string]any{"status": StatusCancelled, "updated_at": s.stamp(), "finished_at": s.stamp()}
	if m.SegmentID != nil {
		// A scheduled mailing lets go of its segment, as a started one does.
		if f, err := s.filter(ctx, m); err == nil {
			values["segment_id"], values["query"] = nil, f.Values().Encode()
		}
	}
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		res := tx.Model(&Mailing{}).Where("id = ? AND status IN ?", id, []string{StatusScheduled, StatusSending}).
			Updates(values)
		if res.Error != nil {
			return fmt.Errorf("mailings: unable to cancel: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return errNotSending
		}
		return audit.Record(tx, actorID, "mailing.cancel", "mailing", strconv.FormatInt(id, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Reader is whom a test goes to: the sender, by their account.
type Reader struct {
	Email  string
	Name   string
	Locale string
}

// Test sends the mailing to its author (to), as actorID, in their language
// with their name, through the outbox; it changes nothing of the mailing.
func (s *Service) Test(ctx context.Context, actorID, id int64, to Reader) error {
	m, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	// No counted links: a test's clicks would count as a supporter's.
	subject, body, in := s.render(m, to.Locale, to.Name, s.baseURL+"/u/test", nil)
	l := s.catalog.Localizer(in)
	return database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		err := outbox.Enqueue(tx, outbox.Message{Kind: "mailing.test", Locale: in, ToAddress: to.Email,
			Subject: l.T("mailing_test_subject", "Subject", subject), Body: body})
		if err != nil {
			return err
		}
		return audit.Record(tx, actorID, "mailing.test", "mailing", strconv.FormatInt(id, 10), nil)
	})
}
