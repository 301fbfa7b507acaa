package outbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/database"
	"gorm.io/gorm"
)

// Defaults for a zero Worker field.
const (
	DefaultBatch   = 20
	DefaultLockFor = 5 * time.Minute

	maxBackoff    = 6 * time.Hour
	maxErrorRunes = 500
	loudAttempts  = 10 // from this many failures on, each one is logged as an error
)

// Worker sends due messages. Any number of workers, on any number of nodes,
// may share one database: a message is claimed (locked_until in the future)
// before it is sent, so two workers never send it both.
type Worker struct {
	DB     *gorm.DB
	Sender Sender
	Log    *slog.Logger
	// Batch is how many messages one round claims (DefaultBatch when 0).
	Batch int
	// LockFor is how long a claim holds (DefaultLockFor when 0). A round stops
	// starting sends after a third of it and bounds each send to a third, so
	// its claims are settled before they expire and another node may take them.
	LockFor time.Duration
	// Now is the clock (time.Now when nil); tests move it forward.
	Now func() time.Time

	// A round claims from where the last one ended (after), not from the
	// oldest entry of outbox_due_idx: a sent message leaves its entry in that
	// partial index until a vacuum, and under a rush a claim from the start
	// walked hundreds of thousands of them (56 million index entries read
	// in one benchmark, 6,700 per claim). A claim starts afterLag back from
	// now at the latest, for a message enqueued by a transaction that
	// committed just after rounds claimed newer ones; the notices of a
	// transaction are its last statement, so that lag is short. What else
	// can become due behind the cursor (a commit slower than afterLag, a
	// claim of another node released or expired) goes at the claim that
	// starts from the beginning, every rescanEvery.
	mu       sync.Mutex
	after    *position
	rescanAt time.Time
}

// position is a message's place in the queue's order.
type position struct {
	due time.Time
	id  int64
}

const (
	rescanEvery = 20 * time.Second
	afterLag    = 200 * time.Millisecond
)

func (w *Worker) now() time.Time {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	// Microseconds: what PostgreSQL keeps, so a claim compares equal when read back.
	return now().UTC().Truncate(time.Microsecond)
}

func (w *Worker) batch() int {
	if w.Batch > 0 {
		return w.Batch
	}
	return DefaultBatch
}

func (w *Worker) lockFor() time.Duration {
	if w.LockFor > 0 {
		return w.LockFor
	}
	return DefaultLockFor
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

// Backoff is the wait after the attempts-th failure: 1 min, 2, 4, … 6 h at most.
func Backoff(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	if attempts > 10 { // 2^9 min already exceeds the cap; avoid overflow
		return maxBackoff
	}
	return min(time.Minute<<(attempts-1), maxBackoff)
}

// RunOnce claims one batch of due messages, sends them and records each
// outcome. err reports database trouble or cancellation; a failed send is
// counted in failed and scheduled again, never dropped. A SessionSender
// sends the batch over one connection.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	if w.DB == nil || w.Sender == nil {
		return 0, 0, errors.New("outbox: worker needs a DB and a Sender")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	claimedAt := w.now()
	lockFor := w.lockFor()
	until := claimedAt.Add(lockFor)
	msgs, err := w.claim(ctx, claimedAt, until)
	if err != nil {
		return 0, 0, err
	}
	if n := len(msgs); n > 0 {
		w.after = &position{msgs[n-1].NextAttemptAt, msgs[n-1].ID}
	}
	conn := &Conn{Sender: w.Sender}
	// After markSent: the deliveries are recorded before the QUIT.
	defer conn.Close()
	var errs []error
	var sentIDs []int64
	for i, m := range msgs {
		if ctx.Err() != nil || w.now().After(claimedAt.Add(lockFor/3)) {
			// Out of time: hand the rest back now rather than when the claim expires.
			errs = append(errs, ctx.Err(), w.release(ctx, msgs[i:], until))
			w.after = nil
			break
		}
		sendCtx, cancel := context.WithTimeout(ctx, lockFor/3)
		sendErr := conn.Send(sendCtx, m)
		cancel()
		if sendErr == nil {
			sentIDs = append(sentIDs, m.ID)
			sent++
			continue
		}
		if ctx.Err() != nil {
			// Shutting down: not the message's fault, so it costs no attempt.
			errs = append(errs, ctx.Err(), w.release(ctx, msgs[i:], until))
			w.after = nil
			break
		}
		errs = append(errs, w.markFailed(ctx, m, until, sendErr))
		failed++
	}
	errs = append(errs, w.markSent(ctx, sentIDs, until))
	return sent, failed, errors.Join(errs...)
}

// Conn sends messages over one session when its Sender can keep one,
// opened at the first message and replaced after a failure: a refusal may
// leave the connection in any state, and must not cost the messages after
// it. A round of the Worker uses one; so does a mailing's worker, across
// its batches. Not safe for concurrent use.
type Conn struct {
	Sender Sender
	sess   Session
}

// Send delivers m, opening a session when there is none.
func (r *Conn) Send(ctx context.Context, m Message) error {
	ss, ok := r.Sender.(SessionSender)
	if !ok {
		return r.Sender.Send(ctx, m)
	}
	if r.sess == nil {
		sess, err := ss.Open(ctx)
		if err != nil {
			return err
		}
		r.sess = sess
	}
	err := r.sess.Send(ctx, m)
	if err != nil {
		r.Close()
	}
	return err
}

// Close ends the session, if there is one; a failed QUIT changes nothing
// about the mail.
func (r *Conn) Close() {
	if r.sess != nil {
		_ = r.sess.Close()
		r.sess = nil
	}
}

// claim locks up to a batch of due messages until until, in one statement;
// concurrent workers pass over each other's rows (database.SkipLocked). The
// messages come back oldest due first, from the cursor (see Worker.after).
func (w *Worker) claim(ctx context.Context, now, until time.Time) ([]Message, error) {
	from := w.from(now)
	var msgs []Message
	err := w.DB.WithContext(ctx).Raw(`UPDATE outbox SET locked_until = ? WHERE id IN (
		SELECT id FROM outbox
		WHERE sent_at IS NULL AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)
		AND (next_attempt_at, id) >= (?, ?)
		ORDER BY next_attempt_at, id LIMIT ?`+database.SkipLocked(w.DB)+`) RETURNING *`, until, now, now, from.due, from.id, w.batch()).
		Scan(&msgs).Error
	if err != nil {
		return nil, fmt.Errorf("outbox: unable to claim messages: %w", err)
	}
	slices.SortFunc(msgs, func(a, b Message) int {
		return cmp.Or(a.NextAttemptAt.Compare(b.NextAttemptAt), cmp.Compare(a.ID, b.ID))
	})
	return msgs, nil
}

// from is where a claim at now starts: the cursor, at most afterLag back
// from now, or the beginning of the queue once every rescanEvery.
func (w *Worker) from(now time.Time) position {
	if w.after == nil || !now.Before(w.rescanAt) {
		w.after, w.rescanAt = nil, now.Add(rescanEvery)
		return position{}
	}
	p := *w.after
	if lag := now.Add(-afterLag); lag.Before(p.due) {
		p = position{due: lag}
	}
	return p
}

// Settle gives a write after a send its own short deadline that survives the
// caller's cancellation: a delivery that happened must be recorded, or it
// would be sent again.
func Settle(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

// markSent records the round's deliveries in one statement: a round is at
// most a batch, so a crash between its sends and this write repeats at most
// a batch of messages, while a rush of notices costs one write per batch
// instead of one per message. Like every write after a send, it names the
// round's claim (locked_until = until), not "sent_at IS NULL": that
// condition is outbox_due_idx's, and PostgreSQL, planning for a young table,
// read the whole index (every sent message's entry until a vacuum) to find
// twenty rows by id.
func (w *Worker) markSent(ctx context.Context, ids []int64, until time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := Settle(ctx)
	defer cancel()
	res := w.DB.WithContext(ctx).Model(&Message{}).Where("id IN ? AND locked_until = ?", ids, until).
		Updates(map[string]any{"sent_at": w.now(), "locked_until": nil})
	if res.Error != nil {
		return fmt.Errorf("outbox: %d messages were sent but not recorded, so they will be sent again: %w", len(ids), res.Error)
	}
	if n := int64(len(ids)) - res.RowsAffected; n > 0 {
		w.log().Warn("outbox: messages were already recorded as sent; a claim expired during the sends", "count", n)
	}
	return nil
}

func (w *Worker) markFailed(ctx context.Context, m Message, until time.Time, sendErr error) error {
	ctx, cancel := Settle(ctx)
	defer cancel()
	now := w.now()
	attempts := m.Attempts + 1
	next := now.Add(Backoff(attempts))
	res := w.DB.WithContext(ctx).Model(&Message{}).Where("id = ? AND locked_until = ?", m.ID, until).
		Updates(map[string]any{
			"attempts":        attempts,
			"last_error":      truncateError(sendErr),
			"next_attempt_at": next,
			"locked_until":    nil,
		})
	if res.Error != nil {
		return fmt.Errorf("outbox: unable to record failure of message %d: %w", m.ID, res.Error)
	}
	level := slog.LevelWarn
	if attempts >= loudAttempts {
		level = slog.LevelError
	}
	w.log().Log(ctx, level, "outbox: send failed; will retry", "id", m.ID, "kind", m.Kind,
		"attempts", attempts, "next_attempt_at", next, "error", WithoutAddresses(sendErr.Error()))
	if res.RowsAffected == 0 {
		w.log().Warn("outbox: claim expired during a failed send; failure not recorded", "id", m.ID, "kind", m.Kind)
	}
	return nil
}

// release frees claims that were not used, so the messages go out on the next
// round rather than after LockFor.
func (w *Worker) release(ctx context.Context, msgs []Message, until time.Time) error {
	ctx, cancel := Settle(ctx)
	defer cancel()
	ids := make([]int64, len(msgs))
	for i := range msgs {
		ids[i] = msgs[i].ID
	}
	err := w.DB.WithContext(ctx).Model(&Message{}).Where("id IN ? AND locked_until = ?", ids, until).
		Update("locked_until", nil).Error
	if err != nil {
		return fmt.Errorf("outbox: unable to release claimed messages: %w", err)
	}
	return nil
}

// truncateError keeps an error storable: valid UTF-8 without NUL (PostgreSQL
// text refuses both), at most maxErrorRunes characters.
func truncateError(err error) string {
	s := strings.ReplaceAll(strings.ToValidUTF8(err.Error(), "\uFFFD"), "\x00", "")
	if utf8.RuneCountInString(s) <= maxErrorRunes {
		return s
	}
	return string([]rune(s)[:maxErrorRunes])
}

// anyAddress is anything shaped like an email address.
var anyAddress = regexp.MustCompile(`[^\s<>"'(),;:\[\]]+@[^\s<>"'(),;:\[\]]+`)

// WithoutAddresses keeps a relay's answer fit for the log: relays often
// quote the recipient ("550 5.1.1 <saraa@example.org>: unknown user").
func WithoutAddresses(s string) string { return anyAddress.ReplaceAllString(s, "[address]") }

// Run sends due messages every interval until ctx ends. A full batch that
// mostly went out is followed at once by the next, so a burst (registration
// opening on the radio) drains without waiting a tick per batch.
func (w *Worker) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 10 * time.Second
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sent, failed, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log().Error("outbox: round failed", "error", err)
		}
		// Drain a backlog at once, but not while the relay mostly refuses.
		wait := every
		if err == nil && sent+failed >= w.batch() && sent >= failed {
			wait = 0
		}
		t.Reset(wait)
	}
}
