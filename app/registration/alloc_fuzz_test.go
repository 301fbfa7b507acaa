package registration

import (
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/quota"
)

// FuzzAllocation runs byte-decoded sequences of registrations,
// cancellations, capacity changes and releases, and checks the invariants
// and the step-to-step promises after every operation.
func FuzzAllocation(f *testing.F) {
	for _, seed := range allocationSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := runAllocation(data); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAllocationRandomSequences gives CI the fuzz checker's coverage without
// -fuzz: fixed seeds, so a failure reproduces.
func TestAllocationRandomSequences(t *testing.T) {
	t.Parallel()
	seeds := int64(2000)
	if testing.Short() {
		seeds = 200 // a tenth, for the quick run; make test runs them all
	}
	for seed := int64(1); seed <= seeds; seed++ {
		rng := rand.New(rand.NewSource(seed))
		// Mostly short runs, and one in ten long enough for waitlists
		// to build up at the larger capacities.
		n := 16 + rng.Intn(200)
		if seed%10 == 0 {
			n = 16 + rng.Intn(1000)
		}
		data := make([]byte, n)
		rng.Read(data)
		if err := runAllocation(data); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

func TestAllocationSeeds(t *testing.T) {
	t.Parallel()
	for i, seed := range allocationSeeds() {
		if err := runAllocation(seed); err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
	}
}

// allocationSeeds are hand-made starts for the fuzzer, in the encoding of
// decodeStart and decodeOp: capacity−1, rule count, first attribute, share
// indexes; then operations, e.g. 0 M = register with mask M (0xFF no
// attribute, 0xFC rural, 0xF3 disability, 0xF0 both), 8 K = cancel the K-th,
// 11 C = capacity (C<128: ±(C%9−4)), 13 R = release (R<32), 15 0 = settle.
func allocationSeeds() [][]byte {
	return [][]byte{
		{},
		// Capacity 4, rural 0.25: when the rural seat frees, the rural
		// waiter takes it past an urban one, and the rural person in a
		// general seat stays; then growth to 8 opens a second rural seat.
		{3, 1, 0, 0, 0, 0xFC, 0, 0xFC, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFC, 8, 0, 11, 8},
		// Capacity 4, rural 0.25: the rural seat frees with nobody rural
		// waiting, so the rural person in a general seat moves into it and
		// the urban waiter takes their general seat.
		{3, 1, 0, 0, 0, 0xFC, 0, 0xFC, 0, 0xFF, 0, 0xFF, 0, 0xFF, 8, 0},
		// Capacity 10, rural 0.25 and disability 0.1: double qualifiers,
		// a full house, a release, a cancellation and a refused decrease.
		{9, 2, 0, 0, 1, 0, 0xF0, 0, 0xF3, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF,
			0, 0xFF, 0, 0xFF, 0, 0xFC, 13, 0, 8, 0, 11, 0, 15, 0},
		// Capacity 1, disability 1.0: the seat passes to the qualifying
		// waiter past an earlier non-qualifier, then is released.
		{0, 1, 1, 5, 0, 0xF3, 0, 0xFF, 0, 0xF3, 8, 0, 13, 0, 8, 0},
		// Capacity 60, minority 0.33 and rural 0.5: jumps to 67 and 49,
		// then 5, refused because 2+3 reserved seats and 5 people need 10.
		{59, 2, 2, 8, 4, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 11, 148, 11, 130, 11, 167},
		// Capacity 10, rural and disability 0.29: growing to 11 needs 4+4
		// reserved seats, which fit only because general-seated 4 moves.
		{9, 2, 0, 9, 9, 0, 0xFC, 0, 0xFC, 0, 0xFC, 0, 0xFC, 0, 0xFF, 0, 0xFF, 0, 0xFF, 11, 5},
	}
}

// byteSource hands out the fuzz input a byte at a time, zeros once spent,
// so every input decodes to some sequence.
type byteSource struct{ data []byte }

func (b *byteSource) next() byte {
	if len(b.data) == 0 {
		return 0
	}
	c := b.data[0]
	b.data = b.data[1:]
	return c
}

// fuzzShares are shares that test the rounding: exact, recurring and
// float-inexact ones.
var fuzzShares = []float64{0.25, 0.1, 1.0 / 3, 0.07, 0.5, 1, 0.2, 0.34, 0.33, 0.29, 0.01, 0.99, 2.0 / 3, 0.125}

// decodeStart reads a capacity of 1..60 and 0–2 valid rules.
func decodeStart(src *byteSource) State {
	s := State{Capacity: 1 + int(src.next())%60}
	n := int(src.next()) % 3
	first := int(src.next())
	for k := range n {
		b := src.next()
		share := fuzzShares[int(b)%len(fuzzShares)]
		if b >= 128 {
			share = float64(int(b)%100+1) / 100
		}
		r := Rule{Attribute: quota.All()[(first+k)%len(quota.All())], Share: share}
		if ValidateRules(s.Capacity, append(slices.Clone(s.Rules), r)) == nil {
			s.Rules = append(s.Rules, r)
		}
	}
	return s
}

type fuzzOp struct {
	kind      string // register, cancel, capacity, release, settle
	id        int64
	qualifies []quota.Attribute
	capacity  int
	attribute quota.Attribute
}

func (o fuzzOp) String() string {
	switch o.kind {
	case "register":
		return fmt.Sprintf("register %d %v", o.id, o.qualifies)
	case "cancel":
		return fmt.Sprintf("cancel %d", o.id)
	case "capacity":
		return fmt.Sprintf("capacity %d", o.capacity)
	case "release":
		return "release " + string(o.attribute)
	}
	return o.kind
}

// decodeOp reads one operation; nextID numbers registrations in arrival
// order, so arrival order is ID order.
func decodeOp(src *byteSource, s State, nextID *int64) fuzzOp {
	b := src.next()
	switch b % 16 {
	case 8, 9, 10:
		k := int(src.next()) % (len(s.Regs) + 1)
		if k == len(s.Regs) {
			return fuzzOp{kind: "cancel", id: *nextID + 1000} // never live
		}
		return fuzzOp{kind: "cancel", id: s.Regs[k].ID}
	case 11, 12:
		// Half the changes are small steps, which reach the quota edges
		// far more often than a fresh random capacity does; 0 is refused.
		c := src.next()
		if c < 128 {
			return fuzzOp{kind: "capacity", capacity: min(max(s.Capacity+int(c%9)-4, 0), 80)}
		}
		return fuzzOp{kind: "capacity", capacity: int(c) % 81}
	case 13, 14:
		// A release is for good, so it is rare (1 in 64 operations):
		// otherwise most of a sequence would run without quotas.
		c := src.next()
		switch {
		case c >= 32:
			return decodeRegister(c, nextID)
		case len(s.Rules) == 0:
			return fuzzOp{kind: "release", attribute: quota.All()[int(c)%len(quota.All())]}
		}
		return fuzzOp{kind: "release", attribute: s.Rules[int(c)%len(s.Rules)].Attribute}
	case 15:
		if c := src.next(); c%2 == 1 && len(s.Regs) > 0 {
			return fuzzOp{kind: "register", id: s.Regs[int(c/2)%len(s.Regs)].ID} // duplicate
		}
		return fuzzOp{kind: "settle"}
	}
	return decodeRegister(src.next(), nextID)
}

// decodeRegister makes a newcomer from mask: two bits per attribute, so each
// is held by a quarter of newcomers and reserved seats stay scarce enough to
// be fought over. "urban" stands for attributes no rule reserves for.
func decodeRegister(mask byte, nextID *int64) fuzzOp {
	var q []quota.Attribute
	for i, a := range append(quota.All(), "urban") {
		if mask>>(2*i)&3 == 0 {
			q = append(q, a)
		}
	}
	*nextID++
	return fuzzOp{kind: "register", id: *nextID, qualifies: q}
}

// runAllocation decodes data and applies its operations, checking each.
func runAllocation(data []byte) error {
	src := &byteSource{data}
	s := decodeStart(src)
	if err := Check(s); err != nil {
		return fmt.Errorf("start %+v: %w", s, err)
	}
	trace := []string{fmt.Sprintf("start capacity %d rules %+v", s.Capacity, s.Rules)}
	var nextID int64
	for step := 0; len(src.data) > 0 && step < 500; step++ {
		o := decodeOp(src, s, &nextID)
		trace = append(trace, o.String())
		after, err := applyChecked(s, o)
		if err != nil {
			return fmt.Errorf("%w\nstate before: %s\nops: %s", err, layout(s), strings.Join(trace, "; "))
		}
		s = after
	}
	return nil
}

// applyChecked applies o to s and checks the step.
func applyChecked(s State, o fuzzOp) (State, error) {
	// A shallow copy is enough here: Qualifies slices are never written
	// (TestOperationsDoNotMutateTheirInput checks them deeply), and
	// copying them every step would double the run time.
	saved := State{Capacity: s.Capacity, Rules: slices.Clone(s.Rules), Regs: slices.Clone(s.Regs)}
	var (
		after   State
		changed []int64
		placed  Reg
		err     error
	)
	switch o.kind {
	case "register":
		after, placed, err = Register(s, Reg{ID: o.id, Qualifies: o.qualifies})
	case "cancel":
		after, changed, err = Cancel(s, o.id)
	case "capacity":
		after, changed, err = SetCapacity(s, o.capacity)
	case "release":
		after, changed = Release(s, o.attribute)
	case "settle":
		after, changed = Settle(s)
	}
	if !sameState(s, saved) {
		return s, errors.New("the operation mutated its input")
	}
	if err := checkStep(saved, o, after, changed, placed, err); err != nil {
		return s, err
	}
	return after, nil
}

// checkStep checks one operation's outcome against the state before it. It
// relies on before being settled and on IDs rising in arrival order, which
// runAllocation ensures.
func checkStep(before State, o fuzzOp, after State, changed []int64, placed Reg, opErr error) error {
	live := before.indexOf(o.id) >= 0
	if opErr != nil {
		switch {
		case o.kind == "capacity" && (errors.Is(opErr, ErrCapacityNotPositive) ||
			errors.Is(opErr, ErrCapacityBelowConfirmed) || errors.Is(opErr, ErrCapacityBreaksQuota)):
			if err := checkCapacityRefusal(before, o.capacity, opErr); err != nil {
				return err
			}
		case o.kind == "cancel" && errors.Is(opErr, ErrUnknownRegistration) && !live:
		case o.kind == "register" && errors.Is(opErr, ErrDuplicateRegistration) && live:
		default:
			return fmt.Errorf("%s: unexpected error %w", o, opErr)
		}
		if !sameState(after, before) || changed != nil {
			return fmt.Errorf("%s was refused (%v) but changed the state to %s", o, opErr, layout(after))
		}
		return nil
	}
	switch {
	case o.kind == "register" && live:
		return fmt.Errorf("%s: accepted a duplicate id", o)
	case o.kind == "cancel" && !live:
		return fmt.Errorf("%s: cancelled an id that is not live", o)
	case o.kind == "capacity" && (o.capacity < 1 || o.capacity < before.confirmed()):
		return fmt.Errorf("%s: accepted with %d confirmed", o, before.confirmed())
	case o.kind == "capacity" && after.Capacity != o.capacity:
		return fmt.Errorf("%s: capacity is %d", o, after.Capacity)
	case o.kind != "capacity" && after.Capacity != before.Capacity:
		return fmt.Errorf("%s: capacity changed to %d", o, after.Capacity)
	}
	if err := Check(after); err != nil {
		return fmt.Errorf("%s: %w (state %s)", o, err, layout(after))
	}
	if again, ch := Settle(after); ch != nil || !sameState(again, after) {
		return fmt.Errorf("%s: the result is not settled: Settle changes %v", o, ch)
	}
	if err := checkRules(before, o, after); err != nil {
		return err
	}
	if err := checkFIFO(before, o, after); err != nil {
		return err
	}
	if err := checkArrivalOrder(before, o, after); err != nil {
		return err
	}
	if err := checkTransitions(before, o, after, changed); err != nil {
		return err
	}
	if err := checkWaitersFirst(before, o, after); err != nil {
		return err
	}
	if o.kind == "register" {
		if err := checkPlacement(before, o, after, placed); err != nil {
			return err
		}
		if err := checkPlaceFromCounts(before, o); err != nil {
			return err
		}
	}
	return checkSummary(after)
}

// checkCapacityRefusal checks that a refused capacity was refused for a
// reason, recomputing the quota occupancy without the package's helpers.
func checkCapacityRefusal(before State, capacity int, err error) error {
	confirmed := before.confirmed()
	switch {
	case capacity < 1:
		if !errors.Is(err, ErrCapacityNotPositive) {
			return fmt.Errorf("capacity %d refused with %v", capacity, err)
		}
	case capacity < confirmed:
		if !errors.Is(err, ErrCapacityBelowConfirmed) {
			return fmt.Errorf("capacity %d with %d confirmed refused with %v", capacity, confirmed, err)
		}
	default:
		if !errors.Is(err, ErrCapacityBreaksQuota) {
			return fmt.Errorf("capacity %d with %d confirmed refused with %v", capacity, confirmed, err)
		}
		// Settling can only lower the occupancy (a move frees a general
		// seat), so a capacity that holds it before settling must pass.
		// The converse, an accepted capacity it does not hold, is for
		// Check on the result to judge: after an increase a move may
		// make room.
		occ := occupancyAt(before, capacity)
		if occ <= capacity {
			return fmt.Errorf("capacity %d refused for the quota, but it needs only %d seats", capacity, occ)
		}
	}
	return nil
}

// occupancyAt is general-seated people + Σ max(seats, filled) at capacity,
// counted directly from the registrations.
func occupancyAt(s State, capacity int) int {
	occ := 0
	for _, rule := range s.Rules {
		filled := 0
		for _, r := range s.Regs {
			if r.Status == Confirmed && r.Pool == string(rule.Attribute) {
				filled++
			}
		}
		seats := filled
		if !rule.Released {
			seats = ReservedSeats(capacity, rule.Share)
		}
		occ += max(seats, filled)
	}
	for _, r := range s.Regs {
		if r.Status == Confirmed && r.Pool == GeneralPool {
			occ++
		}
	}
	return occ
}

// checkRules: rules change only by a release, and a release is for good.
func checkRules(before State, o fuzzOp, after State) error {
	want := slices.Clone(before.Rules)
	if o.kind == "release" {
		for i := range want {
			if want[i].Attribute == o.attribute {
				want[i].Released = true
			}
		}
	}
	if !slices.Equal(after.Rules, want) {
		return fmt.Errorf("%s: rules %+v, want %+v", o, after.Rules, want)
	}
	return nil
}

func waitlist(s State) []int64 {
	var ids []int64
	for _, r := range s.Regs {
		if r.Status == Waitlisted {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// checkFIFO: those who keep waiting keep their relative order, and a
// newcomer who waits is last.
func checkFIFO(before State, o fuzzOp, after State) error {
	now := waitlist(after)
	var kept []int64
	for _, id := range waitlist(before) {
		if slices.Contains(now, id) {
			kept = append(kept, id)
		}
	}
	got := now
	if o.kind == "register" && WaitlistPosition(after, o.id) > 0 {
		if now[len(now)-1] != o.id || WaitlistPosition(after, o.id) != len(now) {
			return fmt.Errorf("%s: the waiting newcomer is not last in %v", o, now)
		}
		got = now[:len(now)-1]
	}
	if !slices.Equal(got, kept) {
		return fmt.Errorf("%s: waitlist %v, want %v in that order", o, got, kept)
	}
	return nil
}

// checkArrivalOrder: registrations stay in arrival (here ID) order, lose
// only the cancelled one and gain only the newcomer, at the end.
func checkArrivalOrder(before State, o fuzzOp, after State) error {
	var want []int64
	for _, r := range before.Regs {
		if !(o.kind == "cancel" && r.ID == o.id) {
			want = append(want, r.ID)
		}
	}
	if o.kind == "register" {
		want = append(want, o.id)
	}
	got := make([]int64, len(after.Regs))
	for i, r := range after.Regs {
		got[i] = r.ID
	}
	if !slices.Equal(got, want) || !slices.IsSorted(got) {
		return fmt.Errorf("%s: registrations %v, want %v", o, got, want)
	}
	return nil
}

// checkTransitions: nobody confirmed loses the seat, the changed list names
// exactly those whose status or pool changed (general promotions last and
// in arrival order), and every move or promotion went to the earliest
// person who could take it.
func checkTransitions(before State, o fuzzOp, after State, changed []int64) error {
	lost := 0
	if k := before.indexOf(o.id); k >= 0 && o.kind == "cancel" && before.Regs[k].Status == Confirmed {
		lost = 1
	}
	if after.confirmed() < before.confirmed()-lost {
		return fmt.Errorf("%s: confirmed fell from %d to %d", o, before.confirmed(), after.confirmed())
	}
	// checkArrivalOrder has passed, so after.Regs is before.Regs less the
	// cancelled one, plus the newcomer at the end: walk both together.
	var (
		diff, moves, reservedUps, generalUps []int64
		earlierWaits                         bool              // someone earlier still waits…
		earlierWaitsFor                      []quota.Attribute // … qualifying for these
		earlierGeneralFor                    []quota.Attribute // someone earlier stays general, qualifying for these
	)
	j := 0
	for _, r := range after.Regs {
		for j < len(before.Regs) && before.Regs[j].ID != r.ID {
			j++
		}
		if j == len(before.Regs) {
			break // the newcomer
		}
		was := before.Regs[j]
		if was.Status == Confirmed && r.Status != Confirmed {
			return fmt.Errorf("%s: %d lost its seat", o, r.ID)
		}
		if was.Status != r.Status || was.Pool != r.Pool {
			diff = append(diff, r.ID)
			switch {
			case was.Status == Confirmed && (was.Pool != GeneralPool || r.Pool == GeneralPool):
				return fmt.Errorf("%s: %d moved from %s to %s", o, r.ID, was.Pool, r.Pool)
			case was.Status == Confirmed && slices.Contains(earlierGeneralFor, quota.Attribute(r.Pool)):
				return fmt.Errorf("%s: %d moved into %s ahead of an earlier general-seated qualifier", o, r.ID, r.Pool)
			case was.Status == Confirmed:
				moves = append(moves, r.ID)
			case r.Pool == GeneralPool && earlierWaits:
				return fmt.Errorf("%s: %d promoted to a general seat ahead of an earlier waiter", o, r.ID)
			case r.Pool == GeneralPool:
				generalUps = append(generalUps, r.ID)
			case slices.Contains(earlierWaitsFor, quota.Attribute(r.Pool)):
				return fmt.Errorf("%s: %d promoted to %s ahead of an earlier qualifying waiter", o, r.ID, r.Pool)
			default:
				reservedUps = append(reservedUps, r.ID)
			}
		}
		switch {
		case r.Status == Waitlisted:
			earlierWaits = true
			earlierWaitsFor = addNew(earlierWaitsFor, r.Qualifies)
		case r.Pool == GeneralPool && was.Pool == GeneralPool:
			// Only those general-seated all along: one promoted into a
			// general seat now came after the moves.
			earlierGeneralFor = addNew(earlierGeneralFor, r.Qualifies)
		}
	}
	if o.kind == "register" {
		if diff != nil {
			return fmt.Errorf("%s: registering changed %v", o, diff)
		}
		return nil
	}
	sorted := slices.Clone(changed)
	slices.Sort(sorted)
	if !slices.Equal(sorted, diff) { // diff is in ID order
		return fmt.Errorf("%s: changed %v, but %v changed", o, changed, diff)
	}
	// Order: moves and reserved promotions (rule by rule), then general
	// promotions by arrival.
	if n := len(moves) + len(reservedUps); !slices.Equal(changed[n:], generalUps) {
		return fmt.Errorf("%s: changed %v, want moves %v and reserved promotions %v, then %v", o, changed, moves, reservedUps, generalUps)
	}
	return nil
}

// checkWaitersFirst: a reserved seat that an operation frees goes to a
// waiting person who qualifies for it, not to one who qualifies and
// already holds a general seat; so after any cancellation nobody who
// qualifies for a free reserved seat keeps waiting, not even when someone
// already seated fills that seat instead (Check alone would let that by).
// Someone general-seated moves into a pool past a qualifying waiter only
// when the general seats cannot hold the general-seated people (a capacity
// change or a raised share), and then no more of them than the general
// seats are short by: nobody confirmed is bumped.
func checkWaitersFirst(before State, o fuzzOp, after State) error {
	pre := unsettled(before, o)
	short := max(0, occupancyAt(pre, pre.Capacity)-pre.Capacity)
	passed := 0
	for _, r := range after.Regs {
		k := before.indexOf(r.ID)
		if k < 0 || before.Regs[k].Status != Confirmed || before.Regs[k].Pool != GeneralPool || r.Pool == GeneralPool {
			continue // not a move out of a general seat
		}
		for _, w := range before.Regs {
			now := after.indexOf(w.ID)
			if w.Status != Waitlisted || !w.QualifiesFor(quota.Attribute(r.Pool)) || now < 0 {
				continue
			}
			if a := after.Regs[now]; a.Status == Waitlisted || a.Pool == GeneralPool {
				if passed++; passed > short {
					return fmt.Errorf("%s: %d moved into the %s pool while %d, who qualifies, waited (now %s; the general seats were short by %d)",
						o, r.ID, r.Pool, w.ID, layout(State{Regs: []Reg{a}}), short)
				}
				break
			}
		}
	}
	return nil
}

// unsettled is the state o leaves before settling: less the cancelled
// registration, at the new capacity, or with the rule released.
func unsettled(before State, o fuzzOp) State {
	s := State{Capacity: before.Capacity, Rules: slices.Clone(before.Rules), Regs: before.Regs}
	switch o.kind {
	case "cancel":
		s.Regs = slices.DeleteFunc(slices.Clone(before.Regs), func(r Reg) bool { return r.ID == o.id })
	case "capacity":
		s.Capacity = o.capacity
	case "release":
		for i := range s.Rules {
			if s.Rules[i].Attribute == o.attribute {
				s.Rules[i].Released = true
			}
		}
	}
	return s
}

// addNew adds to set the elements of add it lacks.
func addNew(set, add []quota.Attribute) []quota.Attribute {
	for _, a := range add {
		if !slices.Contains(set, a) {
			set = append(set, a)
		}
	}
	return set
}

// checkPlacement recomputes where a newcomer belongs from the summary of
// the (settled) state before.
func checkPlacement(before State, o fuzzOp, after State, placed Reg) error {
	sum := Summarize(before)
	want := Reg{ID: o.id, Status: Waitlisted}
	for _, p := range sum.Pools {
		if !p.Released && p.Seats > p.Filled && slices.Contains(o.qualifies, p.Attribute) {
			want.Status, want.Pool = Confirmed, string(p.Attribute)
			break
		}
	}
	if want.Status == Waitlisted && sum.GeneralSeats > sum.GeneralFilled {
		want.Status, want.Pool = Confirmed, GeneralPool
	}
	last := after.Regs[len(after.Regs)-1]
	for _, r := range []Reg{placed, last} {
		if r.ID != want.ID || r.Status != want.Status || r.Pool != want.Pool || !slices.Equal(r.Qualifies, o.qualifies) {
			return fmt.Errorf("%s: placed %+v, want %+v", o, r, want)
		}
	}
	return nil
}

// checkPlaceFromCounts: Place on the counts of a settled state answers as
// Register does, and so it does when the clock has since released a rule
// (the state is then unsettled until the next write), or it says it cannot
// tell exactly when settling would change something.
func checkPlaceFromCounts(before State, o fuzzOp) error {
	states := []State{before}
	for i := range before.Rules {
		if !before.Rules[i].Released {
			clocked := State{Capacity: before.Capacity, Rules: slices.Clone(before.Rules), Regs: before.Regs}
			clocked.Rules[i].Released = true
			states = append(states, clocked)
		}
	}
	for n, s := range states {
		status, pool, ok := Place(CountsOf(s), o.qualifies)
		_, unsettled := Settle(s)
		if ok == (unsettled != nil) {
			return fmt.Errorf("%s: Place on %s (clock case %d) says ok=%v, but Settle changes %v", o, layout(s), n, ok, unsettled)
		}
		if !ok {
			continue
		}
		next, want, err := Register(s, Reg{ID: o.id, Qualifies: o.qualifies})
		if err != nil || status != want.Status || pool != want.Pool {
			return fmt.Errorf("%s: Place on %s (clock case %d) gives %s/%q, Register %s/%q (%v)", o, layout(s), n, status, pool, want.Status, want.Pool, err)
		}
		// Take keeps the counts of the next state, so that a batch can
		// place one newcomer after another from the counts alone.
		c := CountsOf(s)
		c.Take(status, pool)
		if got, want := c, CountsOf(next); !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%s: counts after Take %+v, of the next state %+v", o, got, want)
		}
	}
	return nil
}

// checkSummary: the report figures add up.
func checkSummary(s State) error {
	sum := Summarize(s)
	filled, poolSeats := sum.GeneralFilled, 0
	for i, p := range sum.Pools {
		filled += p.Filled
		poolSeats += max(p.Seats, p.Filled)
		want := ReservedSeats(s.Capacity, s.Rules[i].Share)
		if p.Released {
			want = p.Filled
		}
		if p.Seats != want {
			return fmt.Errorf("summary pool %s has %d seats, want %d", p.Attribute, p.Seats, want)
		}
	}
	switch {
	case sum.Confirmed+sum.Waitlisted != len(s.Regs):
		return fmt.Errorf("summary counts %d+%d of %d registrations", sum.Confirmed, sum.Waitlisted, len(s.Regs))
	case filled != sum.Confirmed:
		return fmt.Errorf("summary pools hold %d, confirmed %d", filled, sum.Confirmed)
	case sum.GeneralSeats != s.Capacity-poolSeats || sum.GeneralSeats < sum.GeneralFilled:
		return fmt.Errorf("summary general %d of %d seats", sum.GeneralFilled, sum.GeneralSeats)
	}
	return nil
}

// TestCheckStepCatchesBrokenSteps feeds the step checker hand-made wrong
// outcomes, each valid on its own, so its cross-step checks are seen to fail.
func TestCheckStepCatchesBrokenSteps(t *testing.T) {
	t.Parallel()
	conf := func(id int64, pool string, q ...quota.Attribute) Reg {
		return Reg{ID: id, Qualifies: q, Status: Confirmed, Pool: pool}
	}
	wait := func(id int64, q ...quota.Attribute) Reg { return Reg{ID: id, Qualifies: q, Status: Waitlisted} }
	one := State{Capacity: 1, Regs: []Reg{conf(1, GeneralPool), wait(2), wait(3)}}
	two := rules(Rule{Attribute: "rural", Share: 0.25}, Rule{Attribute: "disability", Share: 0.1})
	rural := rules(Rule{Attribute: "rural", Share: 0.25})
	tests := []struct {
		name    string
		before  State
		o       fuzzOp
		after   State
		changed []int64
		placed  Reg
		opErr   error
		want    string
	}{
		{
			name: "a refusal that changed the state", before: one, o: fuzzOp{kind: "capacity", capacity: 0},
			after: State{Capacity: 0, Regs: one.Regs}, opErr: ErrCapacityNotPositive, want: "refused",
		},
		{
			name: "a refusal for no reason", before: one, o: fuzzOp{kind: "capacity", capacity: 5},
			after: one, opErr: fmt.Errorf("%w: x", ErrCapacityBreaksQuota), want: "needs only",
		},
		{
			name: "a waitlist out of order", before: one, o: fuzzOp{kind: "settle"},
			after: State{Capacity: 1, Regs: []Reg{conf(1, GeneralPool), wait(3), wait(2)}}, want: "in that order",
		},
		{
			name: "a lost seat", before: State{Capacity: 2, Regs: []Reg{conf(1, GeneralPool), conf(2, GeneralPool), wait(3)}},
			o:     fuzzOp{kind: "settle"},
			after: State{Capacity: 2, Regs: []Reg{conf(1, GeneralPool), wait(2), conf(3, GeneralPool)}}, changed: []int64{2, 3},
			want: "in that order",
		},
		{
			name: "a promotion past an earlier waiter", before: one, o: fuzzOp{kind: "cancel", id: 1},
			after: State{Capacity: 1, Regs: []Reg{wait(2), conf(3, GeneralPool)}}, changed: []int64{3}, want: "ahead of an earlier waiter",
		},
		{
			name: "a changed list that misses one", before: one, o: fuzzOp{kind: "cancel", id: 1},
			after: State{Capacity: 1, Regs: []Reg{conf(2, GeneralPool), wait(3)}}, want: "but [2] changed",
		},
		{
			name: "a newcomer in the second rule's seat", before: State{Capacity: 20, Rules: two},
			o:      fuzzOp{kind: "register", id: 1, qualifies: []quota.Attribute{"rural", "disability"}},
			after:  State{Capacity: 20, Rules: two, Regs: []Reg{conf(1, "disability", "rural", "disability")}},
			placed: conf(1, "disability", "rural", "disability"), want: "placed",
		},
		{
			// The reported case as the old core settled it: 2 moved into
			// the freed rural seat, so 5 took its general seat and the
			// rural 6 kept waiting.
			name: "a move into a freed reserved seat past a qualifying waiter", before: State{Capacity: 4, Rules: rural,
				Regs: []Reg{conf(1, "rural", "rural"), conf(2, GeneralPool, "rural"), conf(3, GeneralPool), conf(4, GeneralPool), wait(5), wait(6, "rural")}},
			o: fuzzOp{kind: "cancel", id: 1},
			after: State{Capacity: 4, Rules: rural,
				Regs: []Reg{conf(2, "rural", "rural"), conf(3, GeneralPool), conf(4, GeneralPool), conf(5, GeneralPool), wait(6, "rural")}},
			changed: []int64{2, 5}, want: "2 moved into the rural pool while 6, who qualifies, waited",
		},
		{
			name: "a capacity that did not change", before: one, o: fuzzOp{kind: "capacity", capacity: 3},
			after: one, want: "capacity is 1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkStep(tt.before, tt.o, tt.after, tt.changed, tt.placed, tt.opErr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("checkStep = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
