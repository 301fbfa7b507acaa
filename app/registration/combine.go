package registration

import (
	"context"
	"slices"
	"sync"

	"github.com/gotong/gotong/app/database"
	"gorm.io/gorm"
)

// A rush of forms is a queue at the database: rather than a transaction
// each, the items that arrive on a node while a batch runs are handled
// together in the next one. A lone item is a batch of one and waits for
// nobody.
//
// The first item to arrive when no batch runs leads: its caller runs every
// item waiting by then (its own among them), then hands the lead to the
// oldest still waiting, or gives it up when none is. No goroutine runs in
// the background.

// queues is how many batches of one kind a node runs at once on
// PostgreSQL, each for the activities of its share (queueOf). An activity's
// items stay in one queue, in the order they came; the activities of a
// spread (twenty camps opening together) need not wait for each other's
// batches: one batch at a time left a third of the machine idle, its
// requests waiting on round trips and commits. Batches of two shares meet
// only as two nodes' batches would, which the writes are ordered for
// (people by email, counters by key, activities by id). SQLite takes one
// writer at a time (database.Tx), so there a node keeps one queue, whose
// batches are then the largest.
const queues = 4

// newQueues returns the queues of a kind of item, each handling its
// batches with batch.
func newQueues[T batched](db *gorm.DB, batch func(ctx context.Context, items []T)) []combiner[T] {
	n := queues
	if database.Dialect(db) == database.SQLite {
		n = 1
	}
	qs := make([]combiner[T], n)
	for i := range qs {
		qs[i].batch = batch
	}
	return qs
}

// queueOf is the queue of the items of activity id.
func queueOf[T batched](qs []combiner[T], id int64) *combiner[T] { return &qs[id%int64(len(qs))] }

// maxBatch bounds the items handled in one batch.
const maxBatch = 64

// batched is an item of a combiner's batch. The batch function answers it
// (sets its result in it); abandon answers it instead when the batch
// panicked, unless it was answered already.
type batched interface {
	abandon(panicked any)
}

// combiner is a queue of items waiting for their batch, and the function
// that handles a batch.
type combiner[T batched] struct {
	batch func(ctx context.Context, items []T)

	mu      sync.Mutex
	waiting []*waiter[T]
	leading bool
}

// waiter is an item in the queue.
type waiter[T batched] struct {
	item T
	done chan struct{} // closed once its batch ran
	lead chan struct{} // receives the lead
}

// run queues item for the next batch and returns once that batch ran, item
// answered.
func (c *combiner[T]) run(ctx context.Context, item T) {
	w := &waiter[T]{item: item, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	c.mu.Lock()
	c.waiting = append(c.waiting, w)
	leader := !c.leading
	c.leading = true
	c.mu.Unlock()
	if !leader {
		select {
		case <-w.done:
			return
		case <-w.lead:
		}
	}
	// The batch serves others too: a leader whose client goes away still
	// finishes it.
	c.lead(context.WithoutCancel(ctx))
	<-w.done
}

// lead runs the items waiting now, then passes the lead on. The leader is
// always first in the queue: it arrived to an empty one, or was its oldest
// member when handed the lead.
func (c *combiner[T]) lead(ctx context.Context) {
	c.mu.Lock()
	n := min(len(c.waiting), maxBatch)
	batch := slices.Clone(c.waiting[:n])
	c.waiting = slices.Delete(c.waiting, 0, n)
	c.mu.Unlock()
	// Deferred, so that even a panic answers the batch and does not leave
	// the queue leaderless.
	defer func() {
		r := recover()
		for _, w := range batch {
			if r != nil {
				w.item.abandon(r)
			}
			close(w.done)
		}
		c.mu.Lock()
		if len(c.waiting) > 0 {
			c.waiting[0].lead <- struct{}{}
		} else {
			c.leading = false
		}
		c.mu.Unlock()
		if r != nil {
			panic(r)
		}
	}()
	items := make([]T, n)
	for i, w := range batch {
		items[i] = w.item
	}
	c.batch(ctx, items)
}
