// Package registration decides who gets a seat in an activity, from which
// pool, and who waits.
//
// Its allocation core (alloc.go) is pure functions over plain values, with
// no database and no clock, so that the quota rules can be tested and fuzzed
// on their own. The store loads an activity's State, calls one function, and
// saves the result; the functions never mutate their input and are
// deterministic, so a retried transaction computes the same answer.
package registration

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/gotong/gotong/app/quota"
)

// Status of a live registration.
type Status string

// The statuses a live registration may have; a cancelled one is removed
// from the State rather than given a status, so that nothing here counts it.
const (
	Confirmed  Status = "confirmed"
	Waitlisted Status = "waitlisted"
)

// GeneralPool is the Pool of a person confirmed in a seat that no quota rule
// reserves; the pool of a rule's seat is its attribute's name.
const GeneralPool = "general"

// Rule is one quota rule: it reserves ReservedSeats(capacity, Share) seats
// for people who qualify for Attribute until it is Released (the caller
// decides when, from the rule's release time), after which its unfilled
// seats are general.
type Rule struct {
	Attribute quota.Attribute
	Share     float64
	Released  bool
}

// Reg is one live (not cancelled) registration.
type Reg struct {
	ID        int64
	Qualifies []quota.Attribute // attributes the person qualifies for; never written here
	Status    Status
	Pool      string // GeneralPool or an attribute while Confirmed; "" while Waitlisted
}

// QualifiesFor reports whether the person may take a seat reserved for
// attribute.
func (r Reg) QualifiesFor(attribute quota.Attribute) bool {
	return slices.Contains(r.Qualifies, attribute)
}

// State is an activity's seats: Regs holds the live registrations in arrival
// order (waitlisted ones therefore in waitlist order).
//
// Seat counts are not stored but derived from Regs on every call, so they
// can never drift from the registrations they count.
type State struct {
	Capacity int
	Rules    []Rule
	Regs     []Reg
}

// Errors the operations return, wrapped with details; test with errors.Is.
var (
	ErrCapacityBelowConfirmed = errors.New("registration: capacity below the number of confirmed people")
	ErrCapacityBreaksQuota    = errors.New("registration: capacity leaves too few seats for the quota pools and the people in general seats")
	ErrCapacityNotPositive    = errors.New("registration: capacity must be at least 1")
	ErrUnknownRegistration    = errors.New("registration: no such live registration")
	ErrDuplicateRegistration  = errors.New("registration: registration already present")

	ErrRuleShare              = errors.New("registration: a quota share must be more than 0 and at most 1")
	ErrRuleUnknownAttribute   = errors.New("registration: unknown quota attribute")
	ErrRuleDuplicateAttribute = errors.New("registration: two quota rules for the same attribute")
	ErrRulesExceedCapacity    = errors.New("registration: the quota rules reserve more seats than the capacity")
)

// ceilSlack absorbs float error in capacity×share: 100×0.07 is
// 7.000000000000001 in float64 and must reserve 7 seats, not 8.
const ceilSlack = 1e-9

// ReservedSeats is the number of seats a rule of share reserves out of
// capacity: ceil(capacity × share), rounded so that float error never adds a
// seat. A share above 1 reserves the whole capacity and a share of 0 or less
// (or NaN) none; ValidateRules reports such shares.
func ReservedSeats(capacity int, share float64) int {
	if capacity <= 0 || !(share > 0) {
		return 0
	}
	if share >= 1 {
		return capacity
	}
	n := math.Ceil(float64(capacity)*share - ceilSlack)
	switch {
	case n <= 0:
		return 0
	case n >= float64(capacity):
		return capacity
	}
	return int(n)
}

// ValidateRules reports the first problem with a set of quota rules for an
// activity of capacity: a capacity below 1, a share outside (0, 1], an
// unknown or repeated attribute, or rules that together reserve more seats
// than there are. It ignores Released: it validates the rules as configured,
// which is what a coordinator edits. The error wraps one of ErrRuleShare,
// ErrRuleUnknownAttribute, ErrRuleDuplicateAttribute, ErrRulesExceedCapacity
// or ErrCapacityNotPositive so a form can say which.
func ValidateRules(capacity int, rules []Rule) error {
	if capacity < 1 {
		return fmt.Errorf("%w (capacity %d)", ErrCapacityNotPositive, capacity)
	}
	if err := validateRuleShapes(rules); err != nil {
		return err
	}
	reserved := 0
	for _, r := range rules {
		reserved += ReservedSeats(capacity, r.Share)
	}
	if reserved > capacity {
		return fmt.Errorf("%w: %d reserved seats, capacity %d", ErrRulesExceedCapacity, reserved, capacity)
	}
	return nil
}

// validateRuleShapes checks each rule on its own and against the others,
// without regard to capacity; Check uses it too, since after a capacity
// change or a release the seat sum is judged by the quota invariant instead.
func validateRuleShapes(rules []Rule) error {
	for i, r := range rules {
		if !(r.Share > 0 && r.Share <= 1) {
			return fmt.Errorf("%w: rule %d (%s) has share %v", ErrRuleShare, i+1, r.Attribute, r.Share)
		}
		if !quota.Valid(string(r.Attribute)) {
			return fmt.Errorf("%w: rule %d has %q", ErrRuleUnknownAttribute, i+1, r.Attribute)
		}
		for j := range i {
			if rules[j].Attribute == r.Attribute {
				return fmt.Errorf("%w: rules %d and %d are both for %q", ErrRuleDuplicateAttribute, j+1, i+1, r.Attribute)
			}
		}
	}
	return nil
}

// seatTally holds the seat counts derived from a state.
type seatTally struct {
	seats   []int // per rule: ReservedSeats while unreleased, filled once released
	filled  []int // per rule: people confirmed in the rule's pool
	general int   // people confirmed in general seats
}

// ruleIndex returns the index of the rule whose pool is named pool, or -1.
func ruleIndex(rules []Rule, pool string) int {
	if pool == GeneralPool || pool == "" {
		return -1
	}
	for i, r := range rules {
		if string(r.Attribute) == pool {
			return i
		}
	}
	return -1
}

// Counts is an activity's seats as numbers: all that a newcomer's place
// depends on once the state is settled. The store reads them with one
// aggregate query under the activity's lock, instead of every registration.
type Counts struct {
	Capacity   int
	Rules      []Rule
	Filled     []int // people confirmed in each rule's pool, in rule order
	General    int   // people confirmed in general seats
	Waitlisted int   // people on the waitlist
}

// Take records in c a newcomer that Place put at status in pool, so that c
// stays the counts of the state with them in it.
func (c *Counts) Take(status Status, pool string) {
	switch i := ruleIndex(c.Rules, pool); {
	case status != Confirmed:
		c.Waitlisted++
	case i >= 0:
		c.Filled[i]++
	default:
		c.General++
	}
}

// CountsOf counts a state. A confirmed person whose pool names no rule (a
// broken state, which Check reports) is counted as general, so the counts
// still add up to the confirmed number.
func CountsOf(s State) Counts {
	c := Counts{Capacity: s.Capacity, Rules: s.Rules, Filled: make([]int, len(s.Rules))}
	for _, r := range s.Regs {
		if r.Status != Confirmed {
			c.Waitlisted++
			continue
		}
		if i := ruleIndex(s.Rules, r.Pool); i >= 0 {
			c.Filled[i]++
		} else {
			c.General++
		}
	}
	return c
}

// tally derives the seats from the counts.
func (c Counts) tally() seatTally {
	t := seatTally{seats: make([]int, len(c.Rules)), filled: slices.Clone(c.Filled), general: c.General}
	if len(t.filled) < len(c.Rules) {
		t.filled = append(t.filled, make([]int, len(c.Rules)-len(t.filled))...)
	}
	for i, rule := range c.Rules {
		if rule.Released {
			// A released pool holds exactly its people: it takes nobody
			// new, and a seat its people leave becomes general.
			t.seats[i] = t.filled[i]
		} else {
			t.seats[i] = ReservedSeats(c.Capacity, rule.Share)
		}
	}
	return t
}

func tallySeats(s State) seatTally { return CountsOf(s).tally() }

// poolSeats is the sum over the pools of max(seats, filled): a pool holding
// more people than its seats (after a capacity decrease) uses up general
// seats for the extra people.
func (t seatTally) poolSeats() int {
	n := 0
	for i := range t.seats {
		n += max(t.seats[i], t.filled[i])
	}
	return n
}

// occupied is the seats the pools and general-seated people take up; the
// quota invariant is occupied ≤ capacity.
func (t seatTally) occupied() int { return t.poolSeats() + t.general }

// reservedFree is the number of empty seats rule i still keeps for its
// attribute.
func (t seatTally) reservedFree(rules []Rule, i int) int {
	if rules[i].Released {
		return 0
	}
	return max(0, t.seats[i]-t.filled[i])
}

// clone copies the slices a function changes, so that the caller's State is
// never mutated. Qualifies slices are shared: nothing here writes them.
func (s State) clone() State {
	return State{Capacity: s.Capacity, Rules: slices.Clone(s.Rules), Regs: slices.Clone(s.Regs)}
}

func (s State) indexOf(id int64) int {
	for i, r := range s.Regs {
		if r.ID == id {
			return i
		}
	}
	return -1
}

func (s State) confirmed() int {
	n := 0
	for _, r := range s.Regs {
		if r.Status == Confirmed {
			n++
		}
	}
	return n
}

// Settle fills every free seat that someone may take, in four steps:
//
//  1. If the general-seated people do not fit in the general seats (a
//     capacity change or a raised share can leave fewer: at 11 seats two
//     rules of 0.29 reserve 4+4 where at 10 they reserved 3+3), as many of those
//     who qualify for an unreleased rule with a free reserved seat as are
//     needed move into that rule's pool (earliest first, rules in order):
//     nobody confirmed is ever bumped, so no one else may take those seats.
//  2. Each free reserved seat goes to the earliest waitlisted person who
//     qualifies for it (rules in order).
//  3. Only then, a reserved seat that no waiting person qualifies for goes
//     to the earliest general-seated person who does, whose general seat
//     frees.
//  4. Each free general seat goes to the earliest waitlisted person.
//
// So a freed reserved seat seats one more person who qualifies, rather
// than relabel one already seated and hand their general seat to the first
// in line; and a qualifying person is not spent on a general seat while a
// reserved one stays empty.
//
// It returns the new state and the IDs whose status or pool changed, in the
// order they changed, for notices. One pass reaches the fixed point: each
// step only fills seats, so it never makes an earlier step possible again.
func Settle(s State) (State, []int64) {
	s = s.clone()
	changed := s.settle()
	return s, changed
}

// settle is Settle on a State whose slices the caller already owns.
func (s *State) settle() []int64 {
	t := tallySeats(*s)
	var changed []int64
	if excess := t.occupied() - s.Capacity; excess > 0 {
		changed = s.moveIntoPools(&t, excess)
	}
	for i, rule := range s.Rules {
		for j := range s.Regs {
			if t.reservedFree(s.Rules, i) == 0 {
				break
			}
			if r := &s.Regs[j]; r.Status == Waitlisted && r.QualifiesFor(rule.Attribute) {
				r.Status, r.Pool = Confirmed, string(rule.Attribute)
				t.filled[i]++
				changed = append(changed, r.ID)
			}
		}
	}
	changed = append(changed, s.moveIntoPools(&t, len(s.Regs))...)
	free := s.Capacity - t.occupied()
	for j := range s.Regs {
		if free <= 0 {
			break
		}
		if r := &s.Regs[j]; r.Status == Waitlisted {
			r.Status, r.Pool = Confirmed, GeneralPool
			free--
			changed = append(changed, r.ID)
		}
	}
	return changed
}

// moveIntoPools moves at most n general-seated people who qualify for an
// unreleased rule with a free reserved seat into that rule's pool, earliest
// first and rules in order, keeping t in step; each move frees a general
// seat. It returns the IDs moved, in order.
func (s *State) moveIntoPools(t *seatTally, n int) []int64 {
	var moved []int64
	for i, rule := range s.Rules {
		for j := range s.Regs {
			if len(moved) == n || t.reservedFree(s.Rules, i) == 0 {
				break
			}
			if r := &s.Regs[j]; r.Status == Confirmed && r.Pool == GeneralPool && r.QualifiesFor(rule.Attribute) {
				r.Pool = string(rule.Attribute)
				t.filled[i]++
				t.general--
				moved = append(moved, r.ID)
			}
		}
	}
	return moved
}

// Register places a newcomer after settling: in a free reserved seat of the
// first unreleased rule they qualify for that has one, else in a free
// general seat, else at the end of the waitlist. The Status and Pool of r
// are ignored. It returns the new state and the placed registration, or
// ErrDuplicateRegistration if r.ID is already live.
//
// A qualifying newcomer may take a reserved seat while others wait: those
// waiting do not qualify for it, or settling would have seated them.
// Changes made by settling an unsettled s are not reported; call Settle
// first to get them (a state produced by this package is always settled).
func Register(s State, r Reg) (State, Reg, error) {
	if s.indexOf(r.ID) >= 0 {
		return s, Reg{}, fmt.Errorf("%w: id %d", ErrDuplicateRegistration, r.ID)
	}
	s, _ = Settle(s)
	r.Qualifies = slices.Clone(r.Qualifies)
	// A settled state's counts always place.
	r.Status, r.Pool, _ = Place(CountsOf(s), r.Qualifies)
	s.Regs = append(s.Regs, r)
	return s, r, nil
}

// Place decides a newcomer's seat from the counts alone, as Register does:
// a free reserved seat of the first unreleased rule they qualify for, else
// a free general seat, else the end of the waitlist.
//
// The counts must be those of a state this package produced (settled),
// with rules possibly released since by the clock. A release is the one
// change that can leave such a state unsettled, and it shows in the counts
// as a free seat while people wait; then ok is false, and the caller must
// load the whole State, Settle it and use Register. In every other case the
// answer is Register's, which the tests check on random histories.
func Place(c Counts, qualifies []quota.Attribute) (status Status, pool string, ok bool) {
	t := c.tally()
	free := c.Capacity - t.occupied()
	if c.Waitlisted > 0 && free > 0 {
		return Waitlisted, "", false
	}
	for i, rule := range c.Rules {
		if t.reservedFree(c.Rules, i) > 0 && slices.Contains(qualifies, rule.Attribute) {
			return Confirmed, string(rule.Attribute), true
		}
	}
	if free > 0 {
		return Confirmed, GeneralPool, true
	}
	return Waitlisted, "", true
}

// Cancel removes the live registration id and settles, so that the seat it
// frees goes to whoever may take it: a reserved seat to the earliest waiting
// person who qualifies for it, and only if nobody who qualifies waits, to
// the earliest who qualifies in a general seat, whose general seat then goes
// to the first in line (see Settle). The returned IDs are the others whose
// status or pool changed. It returns ErrUnknownRegistration if id is not
// live.
func Cancel(s State, id int64) (State, []int64, error) {
	k := s.indexOf(id)
	if k < 0 {
		return s, nil, fmt.Errorf("%w: id %d", ErrUnknownRegistration, id)
	}
	c := State{Capacity: s.Capacity, Rules: slices.Clone(s.Rules), Regs: make([]Reg, 0, len(s.Regs)-1)}
	c.Regs = append(append(c.Regs, s.Regs[:k]...), s.Regs[k+1:]...)
	changed := c.settle()
	return c, changed, nil
}

// SetCapacity changes the capacity and settles. Nobody confirmed is ever
// bumped, so it refuses a capacity below 1 (ErrCapacityNotPositive), below
// the confirmed count (ErrCapacityBelowConfirmed), or one whose seats cannot
// hold the pools and the general-seated people (ErrCapacityBreaksQuota) —
// e.g. a decrease that leaves fewer general seats than general-seated
// people, or a change whose rounded-up reserved seats exceed the capacity.
// The quota is judged after settling, because a capacity increase can open
// reserved seats into which general-seated people move. On refusal it
// returns s unchanged.
func SetCapacity(s State, capacity int) (State, []int64, error) {
	if capacity < 1 {
		return s, nil, fmt.Errorf("%w (asked for %d)", ErrCapacityNotPositive, capacity)
	}
	if n := s.confirmed(); capacity < n {
		return s, nil, fmt.Errorf("%w: capacity %d, %d confirmed", ErrCapacityBelowConfirmed, capacity, n)
	}
	c := s.clone()
	c.Capacity = capacity
	changed := c.settle()
	if t := tallySeats(c); t.occupied() > capacity {
		return s, nil, fmt.Errorf("%w: capacity %d, but the quota pools need %d seats and %d people sit in general seats",
			ErrCapacityBreaksQuota, capacity, t.poolSeats(), t.general)
	}
	return c, changed, nil
}

// Release marks the rule of attribute released and settles, so its unfilled
// reserved seats go to the waitlist as general seats at once. Its people
// keep their pool label; the pool takes nobody new. An unknown or already
// released attribute only settles.
func Release(s State, attribute quota.Attribute) (State, []int64) {
	c := s.clone()
	for i := range c.Rules {
		if c.Rules[i].Attribute == attribute {
			c.Rules[i].Released = true
		}
	}
	changed := c.settle()
	return c, changed
}

// PoolSummary is one quota pool's seats for reports. Seats is the rule's
// reserved seats, or its people once released; Filled may exceed Seats after
// a capacity decrease.
type PoolSummary struct {
	Attribute quota.Attribute
	Share     float64
	Seats     int
	Filled    int
	Released  bool
}

// Summary is an activity's seats for reports. GeneralSeats is what the pools
// leave of the capacity.
type Summary struct {
	Capacity      int
	Confirmed     int
	Waitlisted    int
	GeneralSeats  int
	GeneralFilled int
	Pools         []PoolSummary
}

// Summarize counts the seats of s for reports, pools in rule order.
func Summarize(s State) Summary {
	t := tallySeats(s)
	sum := Summary{
		Capacity:      s.Capacity,
		Confirmed:     s.confirmed(),
		GeneralSeats:  s.Capacity - t.poolSeats(),
		GeneralFilled: t.general,
		Pools:         make([]PoolSummary, len(s.Rules)),
	}
	sum.Waitlisted = len(s.Regs) - sum.Confirmed
	for i, r := range s.Rules {
		sum.Pools[i] = PoolSummary{Attribute: r.Attribute, Share: r.Share, Seats: t.seats[i], Filled: t.filled[i], Released: r.Released}
	}
	return sum
}

// WaitlistPosition returns the 1-based waitlist position of id, or 0 if id
// is not waitlisted. Positions come from arrival order, so they have no gaps.
func WaitlistPosition(s State, id int64) int {
	pos := 0
	for _, r := range s.Regs {
		if r.Status != Waitlisted {
			continue
		}
		pos++
		if r.ID == id {
			return pos
		}
	}
	return 0
}

// InvariantError is what Check returns: it names the broken invariant, so a
// failing test or log says which rule of the design went wrong.
type InvariantError struct {
	Invariant string
	Detail    string
}

func (e *InvariantError) Error() string {
	return "registration: invariant " + e.Invariant + " broken: " + e.Detail
}

func broken(invariant, format string, args ...any) error {
	return &InvariantError{Invariant: invariant, Detail: fmt.Sprintf(format, args...)}
}

// Check returns an *InvariantError naming the first invariant s breaks, or
// nil. The invariants, in the order checked:
//
//   - "capacity": capacity ≥ 1;
//   - "rules": each share in (0, 1], attributes known and distinct;
//   - "unique-ids": registration IDs are unique;
//   - "status": a status is Confirmed or Waitlisted; a waitlisted person has
//     no pool; a confirmed one is in GeneralPool or a rule's pool;
//   - "pool-qualifies": everyone confirmed in a pool qualifies for it;
//   - "within-capacity": confirmed ≤ capacity;
//   - "quota": general-seated people + Σ max(seats, filled) ≤ capacity, so
//     people who do not qualify never hold reserved seats;
//   - "waiting-for-reserved": no waitlisted person qualifies for an
//     unreleased rule with a free reserved seat;
//   - "waiting-for-general": no general seat is free while anyone waits;
//   - "qualifier-in-general": no general-seated person qualifies for an
//     unreleased rule with a free reserved seat (Settle would move them).
//
// FIFO order and gapless positions need no check on one state: Regs is the
// arrival order and positions are counted from it.
func Check(s State) error {
	if s.Capacity < 1 {
		return broken("capacity", "capacity %d", s.Capacity)
	}
	if err := validateRuleShapes(s.Rules); err != nil {
		return broken("rules", "%v", err)
	}
	if !slices.IsSortedFunc(s.Regs, func(a, b Reg) int { return cmp.Compare(a.ID, b.ID) }) {
		seen := make(map[int64]bool, len(s.Regs))
		for _, r := range s.Regs {
			if seen[r.ID] {
				return broken("unique-ids", "id %d appears twice", r.ID)
			}
			seen[r.ID] = true
		}
	} else {
		// IDs usually rise with arrival: then neighbours are enough.
		for i := 1; i < len(s.Regs); i++ {
			if s.Regs[i].ID == s.Regs[i-1].ID {
				return broken("unique-ids", "id %d appears twice", s.Regs[i].ID)
			}
		}
	}
	for _, r := range s.Regs {
		switch r.Status {
		case Waitlisted:
			if r.Pool != "" {
				return broken("status", "waitlisted id %d has pool %q", r.ID, r.Pool)
			}
		case Confirmed:
			if r.Pool != GeneralPool && ruleIndex(s.Rules, r.Pool) < 0 {
				return broken("status", "confirmed id %d is in pool %q, which no rule has", r.ID, r.Pool)
			}
		default:
			return broken("status", "id %d has status %q", r.ID, r.Status)
		}
	}
	for _, r := range s.Regs {
		if r.Status == Confirmed && r.Pool != GeneralPool && !r.QualifiesFor(quota.Attribute(r.Pool)) {
			return broken("pool-qualifies", "id %d is in pool %q without qualifying", r.ID, r.Pool)
		}
	}
	if n := s.confirmed(); n > s.Capacity {
		return broken("within-capacity", "%d confirmed, capacity %d", n, s.Capacity)
	}
	t := tallySeats(s)
	if t.occupied() > s.Capacity {
		return broken("quota", "pools need %d seats and %d people sit in general seats, capacity %d",
			t.poolSeats(), t.general, s.Capacity)
	}
	waiting := false
	for _, r := range s.Regs {
		if r.Status != Waitlisted {
			continue
		}
		waiting = true
		for i, rule := range s.Rules {
			if t.reservedFree(s.Rules, i) > 0 && r.QualifiesFor(rule.Attribute) {
				return broken("waiting-for-reserved", "id %d waits while a %s seat is free", r.ID, rule.Attribute)
			}
		}
	}
	if free := s.Capacity - t.occupied(); waiting && free > 0 {
		return broken("waiting-for-general", "%d general seats free while people wait", free)
	}
	for _, r := range s.Regs {
		if r.Status != Confirmed || r.Pool != GeneralPool {
			continue
		}
		for i, rule := range s.Rules {
			if t.reservedFree(s.Rules, i) > 0 && r.QualifiesFor(rule.Attribute) {
				return broken("qualifier-in-general", "id %d sits in a general seat while a %s seat is free", r.ID, rule.Attribute)
			}
		}
	}
	return nil
}
