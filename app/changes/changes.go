// Package changes counts, on this node, the committed writes that public
// pages show, so that the web layer's caches drop what they showed. The
// stores are told through small interfaces of their own (activities.Changes,
// registration.Changes); Generations is what app.New gives them all.
package changes

import "sync/atomic"

// Generation counts writes; what was made in an earlier generation is stale.
type Generation struct{ n atomic.Uint64 }

// Current is the number of writes counted so far.
func (g *Generation) Current() uint64 { return g.n.Load() }

// Bump counts one write.
func (g *Generation) Bump() { g.n.Add(1) }

// Generations are the counters of one node.
type Generations struct {
	Pages      Generation // moved by every write that a public page shows
	Activities Generation // moved by edits of activities
}

// ActivityChanged is told after a commit that changed an activity's page or
// seats: cached activities and the pages showing them are stale.
func (g *Generations) ActivityChanged(int64) {
	g.Activities.Bump()
	g.Pages.Bump()
}

// SeatsMoved is told after a commit that moved the seats of an activity: the
// pages showing its free seats are stale.
func (g *Generations) SeatsMoved(int64) { g.Pages.Bump() }
