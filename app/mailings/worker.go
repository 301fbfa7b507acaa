package mailings

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"golang.org/x/time/rate"
)

// Defaults of a zero Worker field.
const (
	DefaultRate    = 50
	DefaultLockFor = 5 * time.Minute
	// MaxAttempts is how often a recipient's message is tried before it is
	// marked failed: a refusal is retried after outbox.Backoff (1 min, 2, 4, 8).
	MaxAttempts = 5
	maxBatch    = 2000
)

// Worker sends the mailings that are sending, one at a time, oldest first:
// the node that holds a mailing's lease sends it, so the rate holds for the
// whole installation, and each message is claimed before it goes and
// marked after, so a restart or a second node sends nobody twice.
type Worker struct {
	Service *Service
	Sender  outbox.Sender
	Log     *slog.Logger
	// Node names this worker in the lease (any text unique among nodes).
	Node string
	// Rate is messages per second at most (DefaultRate when 0).
	Rate float64
	// LockFor is how long a lease and a claim hold (DefaultLockFor when 0).
	LockFor time.Duration

	limiter *rate.Limiter
	conn    outbox.Conn     // one SMTP session across batches
	current *sending        // the mailing being sent, read once
	cursor  map[int64]int64 // per mailing, the last recipient id claimed
}

func (w *Worker) rate() float64 {
	if w.Rate > 0 {
		return w.Rate
	}
	return DefaultRate
}

func (w *Worker) lockFor() time.Duration {
	if w.LockFor > 0 {
		return w.LockFor
	}
	return DefaultLockFor
}

// leaseFor is how long a lease holds unless renewed: a node that dies
// holds up the sending that long at most. It is renewed a few times within.
func (w *Worker) leaseFor() time.Duration { return min(w.lockFor(), time.Minute) }

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

// batch is how many messages one claim takes: about a second's worth, at
// most maxBatch (each batch costs a few round trips to the database, which
// a bench of 100,000 messages showed as a quarter of its time at 500).
func (w *Worker) batch() int { return min(max(int(w.rate()), 10), maxBatch) }

// RunOnce starts the scheduled mailings that are due, then sends one batch
// of the oldest sending mailing, if this node may. It reports how many
// messages went and failed; err is database trouble or cancellation.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	if w.Service == nil || w.Sender == nil {
		return 0, 0, errors.New("mailings: worker needs a Service and a Sender")
	}
	if w.limiter == nil {
		w.conn.Sender = w.Sender
		w.limiter = rate.NewLimiter(rate.Limit(w.rate()), 1)
		w.cursor = map[int64]int64{}
	}
	s := w.Service
	if _, err := s.StartDue(ctx); err != nil {
		w.log().Error("mailings: starting scheduled mailings failed", "error", err)
	}
	id, ok, err := w.lease(ctx)
	if err != nil || !ok {
		return 0, 0, err
	}
	m, links, err := w.mailing(ctx, id)
	if err != nil {
		return 0, 0, err
	}
	claimedAt := s.stamp()
	until := claimedAt.Add(w.lockFor())
	batch, err := w.claim(ctx, id, claimedAt, until)
	if err != nil {
		return 0, 0, err
	}
	if len(batch) == 0 {
		return 0, 0, w.finishIfDone(ctx, id)
	}
	var sentIDs, skipped []int64
	var errs []error
	renewed := time.Now()
	for i, r := range batch {
		if time.Since(renewed) > time.Second {
			// Each second: still ours, and still sending? A cancel stops
			// the batch here, as does a lease lost in a stall.
			if ok, err := w.renew(ctx, id); err != nil || !ok {
				errs = append(errs, err, w.release(ctx, batch[i:], until))
				break
			}
			renewed = time.Now()
		}
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err(), w.release(ctx, batch[i:], until))
			break
		}
		p := r.person
		if p == nil || p.Email == nil || p.NewsAt == nil {
			skipped = append(skipped, r.ID)
			continue
		}
		if err := w.limiter.Wait(ctx); err != nil {
			errs = append(errs, err, w.release(ctx, batch[i:], until))
			break
		}
		unsubscribe := s.UnsubscribeURL(r.ID)
		subject, body, in := s.render(m, p.Locale, p.GivenName, unsubscribe, links)
		msg := outbox.Message{ID: r.ID, CreatedAt: *m.StartedAt, Kind: outbox.KindMailing, Locale: in, ToAddress: *p.Email,
			Subject: subject, Body: body, ListUnsubscribe: unsubscribe}
		sendErr := w.conn.Send(ctx, msg)
		if sendErr == nil {
			sentIDs = append(sentIDs, r.ID)
			sent++
			continue
		}
		if ctx.Err() != nil {
			// Stopped: not the message's fault, so it costs no attempt.
			errs = append(errs, ctx.Err(), w.release(ctx, batch[i:], until))
			break
		}
		errs = append(errs, w.markFailed(ctx, r.Recipient, until, sendErr))
		failed++
	}
	errs = append(errs, w.mark(ctx, sentIDs, recipientSent), w.mark(ctx, skipped, recipientSkipped))
	return sent, failed, errors.Join(errs...)
}

// sending is a mailing being sent, with its counted links: neither changes
// once it has started, so a worker reads them once, not once a batch.
type sending struct {
	m     *Mailing
	links []Link
}

// mailing returns mailing id and its links, read when it is not the one
// this worker sent last.
func (w *Worker) mailing(ctx context.Context, id int64) (*Mailing, []Link, error) {
	if w.current != nil && w.current.m.ID == id {
		return w.current.m, w.current.links, nil
	}
	s := w.Service
	m, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var links []Link
	if err := s.db.WithContext(ctx).Where("mailing_id = ?", id).Order("idx").Find(&links).Error; err != nil {
		return nil, nil, fmt.Errorf("mailings: unable to read links: %w", err)
	}
	w.current = &sending{m: m, links: links}
	return m, links, nil
}

// Close ends the worker's SMTP session, if it has one.
func (w *Worker) Close() { w.conn.Close() }

// lease takes or renews the lease of the oldest sending mailing for this
// node. ok is false when there is none, or another node holds it.
func (w *Worker) lease(ctx context.Context) (id int64, ok bool, err error) {
	s := w.Service
	var ids []int64
	err = s.db.WithContext(ctx).Model(&Mailing{}).Where("status = ?", StatusSending).
		Order("started_at, id").Limit(1).Pluck("id", &ids).Error
	if err != nil {
		return 0, false, fmt.Errorf("mailings: unable to find a sending mailing: %w", err)
	}
	if len(ids) == 0 {
		return 0, false, nil
	}
	now := s.stamp()
	res := s.db.WithContext(ctx).Model(&Mailing{}).
		Where("id = ? AND status = ? AND (lease_until IS NULL OR lease_until < ? OR lease_node = ?)", ids[0], StatusSending, now, w.Node).
		Updates(map[string]any{"lease_until": now.Add(w.leaseFor()), "lease_node": w.Node})
	if res.Error != nil {
		return 0, false, fmt.Errorf("mailings: unable to take a lease: %w", res.Error)
	}
	return ids[0], res.RowsAffected == 1, nil
}

// renew extends this node's lease of mailing id while it is sending, and
// says whether it still holds it.
func (w *Worker) renew(ctx context.Context, id int64) (bool, error) {
	s := w.Service
	res := s.db.WithContext(ctx).Model(&Mailing{}).Where("id = ? AND status = ? AND lease_node = ?", id, StatusSending, w.Node).
		Update("lease_until", s.stamp().Add(w.leaseFor()))
	if res.Error != nil {
		return false, fmt.Errorf("mailings: unable to renew a lease: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// claimed is a recipient row claimed for sending, with what its message
// needs of the person (nil when erased).
type claimed struct {
	Recipient
	person *people.Person
}

// claim locks the next batch of due queued recipients of mailing id until
// until, in one statement, and reads their people. It walks the queue from
// where the last claim stopped, so a long mailing's claims do not each step
// over the rows already sent; at the end it starts again from the first,
// for the retries that came due.
func (w *Worker) claim(ctx context.Context, id int64, now, until time.Time) ([]claimed, error) {
	db := w.Service.db.WithContext(ctx)
	// On PostgreSQL "= ANY (ARRAY(…))" makes the claimed ids a value the
	// update looks up by primary key; with IN (…) the planner, told that
	// one mailing holds most of the table, read all of it for each batch
	// of 500 (33 ms against 20, docs/benchmarks.md).
	open, closing := "IN (", ""
	if database.Dialect(db) == database.Postgres {
		open, closing = "= ANY (ARRAY(", ")"
	}
	var rows []Recipient
	for _, after := range []int64{w.cursor[id], 0} {
		err := db.Raw(`UPDATE mailing_recipients SET locked_until = ? WHERE id `+open+`
			SELECT id FROM mailing_recipients
			WHERE mailing_id = ? AND status = ? AND id > ? AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)
			ORDER BY id LIMIT ?`+database.SkipLocked(db)+`)`+closing+` RETURNING id, mailing_id, person_id, status, attempts, locked_until`,
			until, id, recipientQueued, after, now, now, w.batch()).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("mailings: unable to claim recipients: %w", err)
		}
		if len(rows) > 0 || after == 0 {
			break
		}
	}
	if len(rows) == 0 {
		w.cursor[id] = 0
		return nil, nil
	}
	personIDs := make([]int64, 0, len(rows))
	for _, r := range rows {
		w.cursor[id] = max(w.cursor[id], r.ID)
		if r.PersonID != nil {
			personIDs = append(personIDs, *r.PersonID)
		}
	}
	var persons []people.Person
	err := db.Select("id", "given_name", "email", "locale", "news_at").Where("id IN ?", personIDs).Find(&persons).Error
	if err != nil {
		return nil, fmt.Errorf("mailings: unable to read recipients: %w", err)
	}
	byID := make(map[int64]*people.Person, len(persons))
	for i := range persons {
		byID[persons[i].ID] = &persons[i]
	}
	out := make([]claimed, len(rows))
	for i, r := range rows {
		out[i] = claimed{Recipient: r}
		if r.PersonID != nil {
			out[i].person = byID[*r.PersonID]
		}
	}
	// RETURNING gives no order: send in the queue's.
	slices.SortFunc(out, func(a, b claimed) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// mark records the batch's outcomes of one kind in one statement.
func (w *Worker) mark(ctx context.Context, ids []int64, status string) error {
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := outbox.Settle(ctx)
	defer cancel()
	values := map[string]any{"status": status, "locked_until": nil}
	if status == recipientSent {
		values["sent_at"] = w.Service.stamp()
	}
	err := w.Service.db.WithContext(ctx).Model(&Recipient{}).Where("id IN ? AND status = ?", ids, recipientQueued).
		Updates(values).Error
	if err != nil {
		return fmt.Errorf("mailings: %d messages went but were not recorded as %s: %w", len(ids), status, err)
	}
	return nil
}

// markFailed counts a failed attempt: the message is tried again after a
// backoff, or marked failed after MaxAttempts.
func (w *Worker) markFailed(ctx context.Context, r Recipient, until time.Time, sendErr error) error {
	ctx, cancel := outbox.Settle(ctx)
	defer cancel()
	attempts := r.Attempts + 1
	values := map[string]any{"attempts": attempts, "locked_until": nil,
		"next_attempt_at": w.Service.stamp().Add(outbox.Backoff(attempts))}
	if attempts >= MaxAttempts {
		values["status"] = recipientFailed
	}
	err := w.Service.db.WithContext(ctx).Model(&Recipient{}).Where("id = ? AND status = ? AND locked_until = ?", r.ID, recipientQueued, until).
		Updates(values).Error
	if err != nil {
		return fmt.Errorf("mailings: unable to record a failed message: %w", err)
	}
	w.log().Warn("mailings: a message failed", "mailing", r.MailingID, "recipient", r.ID, "attempts", attempts,
		"error", outbox.WithoutAddresses(sendErr.Error()))
	return nil
}

// release hands back claims that were not used, so that the next round (of
// any node) takes them at once.
func (w *Worker) release(ctx context.Context, rows []claimed, until time.Time) error {
	ctx, cancel := outbox.Settle(ctx)
	defer cancel()
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	err := w.Service.db.WithContext(ctx).Model(&Recipient{}).Where("id IN ? AND status = ? AND locked_until = ?", ids, recipientQueued, until).
		Update("locked_until", nil).Error
	if err != nil {
		return fmt.Errorf("mailings: unable to release claimed recipients: %w", err)
	}
	return nil
}

// finishIfDone marks mailing id sent when no message of it waits, not even
// for a retry, and lets its lease go.
func (w *Worker) finishIfDone(ctx context.Context, id int64) error {
	db := w.Service.db.WithContext(ctx)
	var waiting int64
	if err := db.Model(&Recipient{}).Where("mailing_id = ? AND status = ?", id, recipientQueued).Count(&waiting).Error; err != nil {
		return fmt.Errorf("mailings: unable to count waiting messages: %w", err)
	}
	if waiting > 0 {
		return nil
	}
	now := w.Service.stamp()
	err := db.Model(&Mailing{}).Where("id = ? AND status = ?", id, StatusSending).
		Updates(map[string]any{"status": StatusSent, "finished_at": now, "updated_at": now, "lease_until": nil}).Error
	if err != nil {
		return fmt.Errorf("mailings: unable to finish: %w", err)
	}
	delete(w.cursor, id)
	return nil
}

// Stop lets go of this node's lease and closes its SMTP session, so that
// another node goes on at once rather than when the lease runs out.
func (w *Worker) Stop(ctx context.Context) error {
	w.Close()
	ctx, cancel := outbox.Settle(ctx)
	defer cancel()
	err := w.Service.db.WithContext(ctx).Model(&Mailing{}).Where("lease_node = ?", w.Node).
		Updates(map[string]any{"lease_until": nil, "lease_node": ""}).Error
	if err != nil {
		return fmt.Errorf("mailings: unable to let go of a lease: %w", err)
	}
	return nil
}

// Run sends until ctx ends: batch after batch while there is work, then
// every interval; the SMTP session is closed while there is none. At the
// end it lets go of its lease (Stop).
func (w *Worker) Run(ctx context.Context, every time.Duration) {
	defer func() {
		if err := w.Stop(ctx); err != nil {
			w.log().Error("mailings: stopping", "error", err)
		}
	}()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.Service.started: // sent now here: no wait for the round
		}
		sent, failed, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log().Error("mailings: round failed", "error", err)
		}
		wait := every
		if err == nil && sent+failed > 0 && sent >= failed {
			wait = 0
		} else {
			w.Close()
		}
		t.Reset(wait)
	}
}
