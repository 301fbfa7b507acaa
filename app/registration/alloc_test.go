package registration

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/quota"
)

// op is one step of a scenario; it fails the test on an unexpected error.
type op struct {
	name string
	do   func(State) (State, []int64, error)
}

func register(id int64, qualifies ...quota.Attribute) op {
	return op{fmt.Sprintf("register %d %v", id, qualifies), func(s State) (State, []int64, error) {
		s, _, err := Register(s, Reg{ID: id, Qualifies: qualifies})
		return s, nil, err
	}}
}

func cancel(id int64) op {
	return op{fmt.Sprintf("cancel %d", id), func(s State) (State, []int64, error) { return Cancel(s, id) }}
}

func setCapacity(n int) op {
	return op{fmt.Sprintf("capacity %d", n), func(s State) (State, []int64, error) { return SetCapacity(s, n) }}
}

func release(attribute quota.Attribute) op {
	return op{"release " + string(attribute), func(s State) (State, []int64, error) {
		s, changed := Release(s, attribute)
		return s, changed, nil
	}}
}

// layout renders the registrations as "id:pool" in arrival order, with
// "wait" for the waitlisted, so a scenario's outcome reads at a glance.
func layout(s State) string {
	parts := make([]string, len(s.Regs))
	for i, r := range s.Regs {
		where := r.Pool
		if r.Status == Waitlisted {
			where = "wait"
		}
		parts[i] = fmt.Sprintf("%d:%s", r.ID, where)
	}
	return strings.Join(parts, " ")
}

func rules(rs ...Rule) []Rule { return rs }

func TestScenarios(t *testing.T) {
	t.Parallel()
	rural25 := rules(Rule{Attribute: "rural", Share: 0.25})
	rural50 := rules(Rule{Attribute: "rural", Share: 0.5})
	tests := []struct {
		name        string
		capacity    int
		rules       []Rule
		ops         []op
		want        string
		wantChanged []int64 // of the last op
	}{
		{
			name: "a qualifying person takes a reserved seat first", capacity: 4, rules: rural25,
			ops:  []op{register(1, "rural")},
			want: "1:rural",
		},
		{
			name: "a qualifying person takes a general seat when the reserved ones are full", capacity: 4, rules: rural25,
			ops:  []op{register(1, "rural"), register(2, "rural")},
			want: "1:rural 2:general",
		},
		{
			name: "non-qualifiers wait rather than take an empty reserved seat", capacity: 4, rules: rural50,
			ops:  []op{register(1), register(2), register(3)},
			want: "1:general 2:general 3:wait",
		},
		{
			name: "everyone waits when all seats are full", capacity: 2, rules: rural50,
			ops:  []op{register(1, "rural"), register(2), register(3, "rural"), register(4)},
			want: "1:rural 2:general 3:wait 4:wait",
		},
		{
			name: "a qualifying newcomer takes a reserved seat past waiting non-qualifiers", capacity: 4, rules: rural50,
			ops:  []op{register(1), register(2), register(3), register(4, "rural")},
			want: "1:general 2:general 3:wait 4:rural",
		},
		{
			name: "a cancelled reserved seat goes to the earliest qualifying waiter", capacity: 2, rules: rural50,
			ops:         []op{register(1, "rural"), register(2), register(3), register(4, "rural"), register(5, "rural"), cancel(1)},
			want:        "2:general 3:wait 4:rural 5:wait",
			wantChanged: []int64{4},
		},
		{
			name: "a cancelled reserved seat stays reserved when no waiter qualifies", capacity: 2, rules: rural50,
			ops:  []op{register(1, "rural"), register(2), register(3), cancel(1)},
			want: "2:general 3:wait",
		},
		{
			name: "a cancelled general seat goes to the earliest waiter", capacity: 2, rules: rural50,
			ops:         []op{register(1, "rural"), register(2), register(3), register(4, "rural"), cancel(2)},
			want:        "1:rural 3:general 4:wait",
			wantChanged: []int64{3},
		},
		{
			name: "a cancelled waiter leaves the others in order", capacity: 1,
			ops:  []op{register(1), register(2), register(3), register(4), cancel(3)},
			want: "1:general 2:wait 4:wait",
		},
		{
			// At 6 the rule reserves ceil(1.5) = 2 seats: one for the
			// qualifying waiter 6, and 6-2-3 = 1 general seat for 5.
			name: "a capacity increase promotes into reserved seats first, then general", capacity: 4, rules: rural25,
			ops: []op{register(1, "rural"), register(2), register(3), register(4),
				register(5), register(6, "rural"), register(7), register(8, "rural"), setCapacity(6)},
			want:        "1:rural 2:general 3:general 4:general 5:general 6:rural 7:wait 8:wait",
			wantChanged: []int64{6, 5},
		},
		{
			// At 11 each rule reserves ceil(3.19) = 4: with 4 general-seated
			// people that is 12 seats, but 4 qualifies for rural and moves.
			name: "a capacity increase is allowed when a move makes room", capacity: 10,
			rules: rules(Rule{Attribute: "rural", Share: 0.29}, Rule{Attribute: "disability", Share: 0.29}),
			ops: []op{register(1, "rural"), register(2, "rural"), register(3, "rural"), register(4, "rural"),
				register(5), register(6), register(7), setCapacity(11)},
			want:        "1:rural 2:rural 3:rural 4:rural 5:general 6:general 7:general",
			wantChanged: []int64{4},
		},
		{
			name: "a release turns unfilled reserved seats general and promotes non-qualifiers", capacity: 4, rules: rural50,
			ops:         []op{register(1, "rural"), register(2), register(3), register(4), register(5), release("rural")},
			want:        "1:rural 2:general 3:general 4:general 5:wait",
			wantChanged: []int64{4},
		},
		{
			name: "after a release a cancellation in the released pool frees a general seat", capacity: 4, rules: rural50,
			ops: []op{register(1, "rural"), register(2), register(3), register(4),
				release("rural"), register(5, "rural"), cancel(1)},
			want:        "2:general 3:general 4:general 5:general",
			wantChanged: []int64{5},
		},
		{
			name: "a released pool takes no newcomer", capacity: 4, rules: rural50,
			ops:  []op{register(1, "rural"), release("rural"), register(2, "rural")},
			want: "1:rural 2:general",
		},
		{
			// The reported case: the freed rural seat goes to the rural
			// waiter 6, past the urban waiter 5, who still waits; the rural
			// 2 keeps its general seat. Moving 2 instead would hand its
			// general seat to 5, and one rural person fewer would come.
			name: "a freed reserved seat goes to a qualifying waiter, not to a general-seated qualifier", capacity: 4, rules: rural25,
			ops: []op{register(1, "rural"), register(2, "rural"), register(3), register(4),
				register(5), register(6, "rural"), cancel(1)},
			want:        "2:general 3:general 4:general 5:wait 6:rural",
			wantChanged: []int64{6},
		},
		{
			// Nobody waiting qualifies, so 2 moves into the freed rural
			// seat and its general seat goes to the first in line, 5.
			name: "a general-seated qualifier moves into a freed reserved seat when no waiter qualifies", capacity: 4, rules: rural25,
			ops: []op{register(1, "rural"), register(2, "rural"), register(3), register(4),
				register(5), register(6), cancel(1)},
			want:        "2:rural 3:general 4:general 5:general 6:wait",
			wantChanged: []int64{2, 5},
		},
		{
			// At 5 the rule reserves 2: the new rural seat goes to the rural
			// waiter 6, and no general seat is left for the urban 5; the
			// rural 2 keeps its general seat.
			name: "a capacity increase gives a new reserved seat to a qualifying waiter first", capacity: 4, rules: rural25,
			ops: []op{register(1, "rural"), register(2, "rural"), register(3), register(4),
				register(5), register(6, "rural"), setCapacity(5)},
			want:        "1:rural 2:general 3:general 4:general 5:wait 6:rural",
			wantChanged: []int64{6},
		},
		{
			// At 11 each rule reserves 4 and leaves 3 general seats for the
			// 4 general-seated people: the rural 4 must move, since nobody
			// confirmed is bumped, and the rural 8 keeps waiting.
			name: "a capacity increase moves a general-seated qualifier the general seats cannot hold, past a qualifying waiter", capacity: 10,
			rules: rules(Rule{Attribute: "rural", Share: 0.29}, Rule{Attribute: "disability", Share: 0.29}),
			ops: []op{register(1, "rural"), register(2, "rural"), register(3, "rural"), register(4, "rural"),
				register(5), register(6), register(7), register(8, "rural"), setCapacity(11)},
			want:        "1:rural 2:rural 3:rural 4:rural 5:general 6:general 7:general 8:wait",
			wantChanged: []int64{4},
		},
		{
			name: "a person qualifying for two rules takes the first rule's seat", capacity: 20,
			rules: rules(Rule{Attribute: "rural", Share: 0.25}, Rule{Attribute: "disability", Share: 0.1}),
			ops:   []op{register(1, "disability", "rural")},
			want:  "1:rural",
		},
		{
			name: "a person qualifying for two rules takes the second when the first is full", capacity: 8,
			rules: rules(Rule{Attribute: "rural", Share: 0.125}, Rule{Attribute: "disability", Share: 0.125}),
			ops:   []op{register(1, "rural"), register(2, "rural", "disability")},
			want:  "1:rural 2:disability",
		},
		{
			// At 6 the rule reserves 3 but holds 5: the two extra use up
			// general seats, and freeing one of them frees a general seat.
			name: "a cancellation from a pool over-full after a decrease frees a general seat", capacity: 10, rules: rural50,
			ops: []op{register(1, "rural"), register(2, "rural"), register(3, "rural"), register(4, "rural"),
				register(5, "rural"), register(6), setCapacity(6), register(7), cancel(1)},
			want:        "2:rural 3:rural 4:rural 5:rural 6:general 7:general",
			wantChanged: []int64{7},
		},
		{
			name: "a non-qualifier cancelling from the waitlist changes nobody", capacity: 1, rules: rural50,
			ops:  []op{register(1, "rural"), register(2), cancel(2)},
			want: "1:rural",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := State{Capacity: tt.capacity, Rules: tt.rules}
			if err := Check(s); err != nil {
				t.Fatalf("start: %v", err)
			}
			var changed []int64
			for _, o := range tt.ops {
				var err error
				s, changed, err = o.do(s)
				if err != nil {
					t.Fatalf("%s: %v", o.name, err)
				}
				if err := Check(s); err != nil {
					t.Fatalf("%s: %v", o.name, err)
				}
			}
			if got := layout(s); got != tt.want {
				t.Errorf("layout = %q, want %q", got, tt.want)
			}
			if !slices.Equal(changed, tt.wantChanged) {
				t.Errorf("changed = %v, want %v", changed, tt.wantChanged)
			}
		})
	}
}

// build runs ops from an empty state, failing on any error.
func build(t *testing.T, capacity int, rs []Rule, ops ...op) State {
	t.Helper()
	s := State{Capacity: capacity, Rules: rs}
	for _, o := range ops {
		var err error
		if s, _, err = o.do(s); err != nil {
			t.Fatalf("%s: %v", o.name, err)
		}
	}
	return s
}

func TestRegisterReturnsThePlacedRegistration(t *testing.T) {
	t.Parallel()
	s := build(t, 2, rules(Rule{Attribute: "rural", Share: 0.5}), register(1, "rural"))
	q := []quota.Attribute{"rural"}
	s, got, err := Register(s, Reg{ID: 2, Qualifies: q, Status: Confirmed, Pool: "rural"})
	if err != nil {
		t.Fatal(err)
	}
	want := Reg{ID: 2, Qualifies: []quota.Attribute{"rural"}, Status: Confirmed, Pool: GeneralPool}
	if got.ID != want.ID || got.Status != want.Status || got.Pool != want.Pool || !slices.Equal(got.Qualifies, q) {
		t.Errorf("placed = %+v, want %+v", got, want)
	}
	q[0] = "minority" // the caller's slice is not kept
	if !s.Regs[1].QualifiesFor("rural") {
		t.Error("Register kept the caller's Qualifies slice")
	}
	_, got, _ = Register(s, Reg{ID: 3})
	if got.Status != Waitlisted || got.Pool != "" {
		t.Errorf("third = %+v, want waitlisted without pool", got)
	}
}

func TestRegisterRefusesADuplicateID(t *testing.T) {
	t.Parallel()
	s := build(t, 2, nil, register(1))
	got, _, err := Register(s, Reg{ID: 1})
	if !errors.Is(err, ErrDuplicateRegistration) {
		t.Fatalf("err = %v, want ErrDuplicateRegistration", err)
	}
	if layout(got) != "1:general" {
		t.Errorf("state changed to %q", layout(got))
	}
}

func TestCancelRefusesAnUnknownID(t *testing.T) {
	t.Parallel()
	s := build(t, 2, nil, register(1))
	got, changed, err := Cancel(s, 9)
	if !errors.Is(err, ErrUnknownRegistration) {
		t.Fatalf("err = %v, want ErrUnknownRegistration", err)
	}
	if layout(got) != "1:general" || changed != nil {
		t.Errorf("state changed to %q, %v", layout(got), changed)
	}
}

func TestSetCapacityRefusals(t *testing.T) {
	t.Parallel()
	three := rules(Rule{Attribute: "rural", Share: 0.34}, Rule{Attribute: "disability", Share: 0.33}, Rule{Attribute: "minority", Share: 0.33})
	tests := []struct {
		name     string
		start    State
		capacity int
		want     error
	}{
		{"below the confirmed count", build(t, 4, nil, register(1), register(2), register(3)), 2, ErrCapacityBelowConfirmed},
		{"zero", State{Capacity: 4}, 0, ErrCapacityNotPositive},
		{"negative", State{Capacity: 4}, -3, ErrCapacityNotPositive},
		// Two people hold general seats; at 3 the rule still reserves
		// ceil(1.5) = 2, leaving one general seat.
		{"a decrease leaving too few general seats", build(t, 4, rules(Rule{Attribute: "rural", Share: 0.5}), register(1), register(2)), 3, ErrCapacityBreaksQuota},
		// 34+33+33 = 100 seats fit 100, but 35+34+34 do not fit 101.
		{"an increase whose rounded-up reserved seats exceed it", State{Capacity: 100, Rules: three}, 101, ErrCapacityBreaksQuota},
		{"a decrease whose rounded-up reserved seats exceed it", State{Capacity: 100, Rules: three}, 10, ErrCapacityBreaksQuota},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Check(tt.start); err != nil {
				t.Fatalf("start: %v", err)
			}
			before := deepCopy(tt.start)
			got, changed, err := SetCapacity(tt.start, tt.capacity)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !sameState(got, before) || changed != nil {
				t.Errorf("refused SetCapacity returned %+v, %v; want the state unchanged", got, changed)
			}
		})
	}
}

func TestSetCapacityAcceptsADecreaseThatFits(t *testing.T) {
	t.Parallel()
	// At 3 the rule reserves ceil(1.5) = 2 seats (1 of them empty) and
	// leaves 1 general seat, exactly what 2 holds.
	s := build(t, 10, rules(Rule{Attribute: "rural", Share: 0.5}), register(1, "rural"), register(2))
	s, changed, err := SetCapacity(s, 3)
	if err != nil || changed != nil {
		t.Fatalf("SetCapacity = %v, %v", changed, err)
	}
	if got := Summarize(s); got.GeneralSeats != 1 || got.GeneralFilled != 1 || got.Pools[0].Seats != 2 || got.Pools[0].Filled != 1 {
		t.Errorf("summary = %+v", got)
	}
	if err := Check(s); err != nil {
		t.Error(err)
	}
}

func TestReleaseOfAnUnknownOrReleasedRuleOnlySettles(t *testing.T) {
	t.Parallel()
	s := build(t, 2, rules(Rule{Attribute: "rural", Share: 0.5}), register(1), register(2))
	for _, attr := range []quota.Attribute{"minority", "nonsense"} {
		got, changed := Release(s, attr)
		if !sameState(got, s) || changed != nil {
			t.Errorf("Release(%q) changed the state to %q, %v", attr, layout(got), changed)
		}
	}
	s, _ = Release(s, "rural")
	got, changed := Release(s, "rural")
	if !sameState(got, s) || changed != nil {
		t.Errorf("second release changed the state to %q, %v", layout(got), changed)
	}
}

func TestSettleFixesAnUnsettledState(t *testing.T) {
	t.Parallel()
	// As after a coordinator raised a share: rural reserves 3 seats and
	// leaves 1 general seat for 1 and 2, so 1 must move; 3 then takes a
	// rural seat, and 4 keeps waiting for the general one.
	s := State{Capacity: 4, Rules: rules(Rule{Attribute: "rural", Share: 0.75}), Regs: []Reg{
		{ID: 1, Qualifies: []quota.Attribute{"rural"}, Status: Confirmed, Pool: GeneralPool},
		{ID: 2, Status: Confirmed, Pool: GeneralPool},
		{ID: 4, Status: Waitlisted},
		{ID: 3, Qualifies: []quota.Attribute{"rural"}, Status: Waitlisted},
	}}
	before := deepCopy(s)
	got, changed := Settle(s)
	if !sameState(s, before) {
		t.Error("Settle mutated its input")
	}
	if l := layout(got); l != "1:rural 2:general 4:wait 3:rural" {
		t.Errorf("layout = %q", l)
	}
	if !slices.Equal(changed, []int64{1, 3}) {
		t.Errorf("changed = %v", changed)
	}
	if err := Check(got); err != nil {
		t.Error(err)
	}
	again, changed := Settle(got)
	if !sameState(again, got) || changed != nil {
		t.Errorf("second Settle changed %v", changed)
	}
}

func TestOperationsDoNotMutateTheirInput(t *testing.T) {
	t.Parallel()
	s := build(t, 3, rules(Rule{Attribute: "rural", Share: 0.34}), register(1, "rural"), register(2), register(3), register(4, "rural"))
	before := deepCopy(s)
	Register(s, Reg{ID: 5, Qualifies: []quota.Attribute{"rural"}})
	Cancel(s, 1)
	SetCapacity(s, 8)
	SetCapacity(s, 1)
	Release(s, "rural")
	Settle(s)
	Summarize(s)
	if !sameState(s, before) {
		t.Errorf("input mutated: %+v, was %+v", s, before)
	}
}

func TestReservedSeats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		capacity int
		share    float64
		want     int
	}{
		{50, 0.25, 13},
		{10, 0.1, 1},
		{3, 1.0, 3},
		{100, 0.07, 7},
		{100, 0.29, 29},
		{10, 0.29, 3},
		{11, 0.29, 4},
		{1, 0.01, 1},
		{7, 1.0 / 7, 1},
		{0, 0.5, 0},
		{10, 0, 0},
		{10, -0.5, 0},
		{10, 1.5, 10},
	}
	for _, tt := range tests {
		if got := ReservedSeats(tt.capacity, tt.share); got != tt.want {
			t.Errorf("ReservedSeats(%d, %v) = %d, want %d", tt.capacity, tt.share, got, tt.want)
		}
	}
}

func TestValidateRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		capacity int
		rules    []Rule
		want     error
	}{
		{"none", 10, nil, nil},
		{"two that fit", 20, rules(Rule{Attribute: "rural", Share: 0.25}, Rule{Attribute: "disability", Share: 0.1}), nil},
		{"all seats reserved", 3, rules(Rule{Attribute: "rural", Share: 1}), nil},
		{"released rules still count", 3, rules(Rule{Attribute: "rural", Share: 1}, Rule{Attribute: "minority", Share: 0.1, Released: true}), ErrRulesExceedCapacity},
		{"zero share", 10, rules(Rule{Attribute: "rural", Share: 0}), ErrRuleShare},
		{"negative share", 10, rules(Rule{Attribute: "rural", Share: -0.1}), ErrRuleShare},
		{"share above one", 10, rules(Rule{Attribute: "rural", Share: 1.01}), ErrRuleShare},
		{"unknown attribute", 10, rules(Rule{Attribute: "urban", Share: 0.1}), ErrRuleUnknownAttribute},
		{"general is not an attribute", 10, rules(Rule{Attribute: GeneralPool, Share: 0.1}), ErrRuleUnknownAttribute},
		{"duplicate attribute", 10, rules(Rule{Attribute: "rural", Share: 0.1}, Rule{Attribute: "rural", Share: 0.2}), ErrRuleDuplicateAttribute},
		// 0.34+0.33+0.33 = 1, but rounded up it is 4+4+4 = 12 seats of 10.
		{"rounded-up seats above capacity", 10, rules(Rule{Attribute: "rural", Share: 0.34}, Rule{Attribute: "disability", Share: 0.33}, Rule{Attribute: "minority", Share: 0.33}), ErrRulesExceedCapacity},
		{"shares above one", 100, rules(Rule{Attribute: "rural", Share: 0.6}, Rule{Attribute: "disability", Share: 0.5}), ErrRulesExceedCapacity},
		{"capacity zero", 0, nil, ErrCapacityNotPositive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateRules(tt.capacity, tt.rules)
			if tt.want == nil && err != nil || !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestWaitlistPosition(t *testing.T) {
	t.Parallel()
	s := build(t, 2, rules(Rule{Attribute: "rural", Share: 0.5}),
		register(1), register(2), register(3), register(4), register(5, "rural"), register(6))
	// 5 took the rural seat; 2, 3, 4 and 6 wait in arrival order.
	want := map[int64]int{1: 0, 2: 1, 3: 2, 4: 3, 5: 0, 6: 4, 99: 0}
	for id, pos := range want {
		if got := WaitlistPosition(s, id); got != pos {
			t.Errorf("WaitlistPosition(%d) = %d, want %d", id, got, pos)
		}
	}
	s, _, _ = Cancel(s, 3)
	for id, pos := range map[int64]int{2: 1, 4: 2, 6: 3} {
		if got := WaitlistPosition(s, id); got != pos {
			t.Errorf("after cancelling 3: WaitlistPosition(%d) = %d, want %d", id, got, pos)
		}
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	rs := rules(Rule{Attribute: "rural", Share: 0.25}, Rule{Attribute: "disability", Share: 0.1})
	s := build(t, 20, rs,
		register(1, "rural"), register(2, "rural", "disability"), register(3, "disability"), register(4), register(5))
	want := Summary{Capacity: 20, Confirmed: 5, Waitlisted: 0, GeneralSeats: 13, GeneralFilled: 2, Pools: []PoolSummary{
		{Attribute: "rural", Share: 0.25, Seats: 5, Filled: 2},
		{Attribute: "disability", Share: 0.1, Seats: 2, Filled: 1},
	}}
	if got := Summarize(s); !sameSummary(got, want) {
		t.Errorf("Summarize = %+v,\nwant %+v", got, want)
	}
	// Released, rural keeps its 2 people as its seats and gives 3 to general.
	s, _ = Release(s, "rural")
	want.GeneralSeats = 16
	want.Pools[0].Seats, want.Pools[0].Released = 2, true
	if got := Summarize(s); !sameSummary(got, want) {
		t.Errorf("after release: Summarize = %+v,\nwant %+v", got, want)
	}
	// At capacity 4 each rule reserves 1 seat, so 2 and 3 fill the 2
	// general seats, 4 waits, 5 takes the disability seat and 6 waits.
	s = build(t, 4, rs, register(1, "rural"), register(2, "rural"), register(3), register(4), register(5, "disability"), register(6))
	want = Summary{Capacity: 4, Confirmed: 4, Waitlisted: 2, GeneralSeats: 2, GeneralFilled: 2, Pools: []PoolSummary{
		{Attribute: "rural", Share: 0.25, Seats: 1, Filled: 1},
		{Attribute: "disability", Share: 0.1, Seats: 1, Filled: 1},
	}}
	if got := Summarize(s); !sameSummary(got, want) {
		t.Errorf("full: Summarize = %+v,\nwant %+v (layout %s)", got, want, layout(s))
	}
}

func sameSummary(a, b Summary) bool {
	return a.Capacity == b.Capacity && a.Confirmed == b.Confirmed && a.Waitlisted == b.Waitlisted &&
		a.GeneralSeats == b.GeneralSeats && a.GeneralFilled == b.GeneralFilled && slices.Equal(a.Pools, b.Pools)
}

// TestCheckCatchesBrokenStates hand-makes one state per invariant, so that
// each of Check's tests is seen to fail.
func TestCheckCatchesBrokenStates(t *testing.T) {
	t.Parallel()
	rural := rules(Rule{Attribute: "rural", Share: 0.5})
	conf := func(id int64, pool string, q ...quota.Attribute) Reg {
		return Reg{ID: id, Qualifies: q, Status: Confirmed, Pool: pool}
	}
	wait := func(id int64, q ...quota.Attribute) Reg { return Reg{ID: id, Qualifies: q, Status: Waitlisted} }
	tests := []struct {
		invariant string
		state     State
	}{
		{"capacity", State{Capacity: 0}},
		{"rules", State{Capacity: 4, Rules: rules(Rule{Attribute: "rural", Share: 0})}},
		{"rules", State{Capacity: 4, Rules: rules(Rule{Attribute: "urban", Share: 0.5})}},
		{"rules", State{Capacity: 4, Rules: rules(Rule{Attribute: "rural", Share: 0.1}, Rule{Attribute: "rural", Share: 0.1})}},
		{"unique-ids", State{Capacity: 4, Regs: []Reg{conf(1, GeneralPool), conf(1, GeneralPool)}}},
		{"status", State{Capacity: 4, Regs: []Reg{{ID: 1, Status: "cancelled"}}}},
		{"status", State{Capacity: 4, Regs: []Reg{conf(1, GeneralPool), conf(2, GeneralPool), conf(3, GeneralPool), conf(4, GeneralPool), {ID: 5, Status: Waitlisted, Pool: GeneralPool}}}},
		{"status", State{Capacity: 4, Regs: []Reg{conf(1, "minority", "minority")}}},
		{"status", State{Capacity: 4, Regs: []Reg{conf(1, "")}}},
		{"pool-qualifies", State{Capacity: 4, Rules: rural, Regs: []Reg{conf(1, "rural", "disability")}}},
		{"within-capacity", State{Capacity: 2, Regs: []Reg{conf(1, GeneralPool), conf(2, GeneralPool), conf(3, GeneralPool)}}},
		// Three non-qualifiers in general seats of 4 while rural keeps 2.
		{"quota", State{Capacity: 4, Rules: rural, Regs: []Reg{conf(1, GeneralPool), conf(2, GeneralPool), conf(3, GeneralPool)}}},
		// Reserved seats alone above capacity: 2 + 2 of 3.
		{"quota", State{Capacity: 3, Rules: rules(Rule{Attribute: "rural", Share: 0.5}, Rule{Attribute: "disability", Share: 0.5})}},
		{"waiting-for-reserved", State{Capacity: 4, Rules: rural, Regs: []Reg{conf(1, GeneralPool), conf(2, GeneralPool), wait(3, "rural")}}},
		{"waiting-for-general", State{Capacity: 4, Rules: rural, Regs: []Reg{conf(1, GeneralPool), wait(2)}}},
		{"waiting-for-general", State{Capacity: 4, Rules: rules(Rule{Attribute: "rural", Share: 0.5, Released: true}), Regs: []Reg{conf(1, GeneralPool), conf(2, GeneralPool), wait(3)}}},
		{"qualifier-in-general", State{Capacity: 4, Rules: rural, Regs: []Reg{conf(1, GeneralPool, "rural")}}},
	}
	for _, tt := range tests {
		t.Run(tt.invariant, func(t *testing.T) {
			err := Check(tt.state)
			var ie *InvariantError
			if !errors.As(err, &ie) || ie.Invariant != tt.invariant || !strings.Contains(err.Error(), tt.invariant) {
				t.Errorf("Check = %v, want invariant %q broken", err, tt.invariant)
			}
		})
	}
	good := []State{
		{Capacity: 4, Rules: rural, Regs: []Reg{conf(1, GeneralPool), conf(2, GeneralPool), wait(3)}},
		// Released: the empty seats are general, the rural waiter takes none.
		{Capacity: 4, Rules: rules(Rule{Attribute: "rural", Share: 0.5, Released: true}),
			Regs: []Reg{conf(1, GeneralPool), conf(2, GeneralPool), conf(3, "rural", "rural"), conf(4, GeneralPool), wait(5, "rural")}},
	}
	for i, s := range good {
		if err := Check(s); err != nil {
			t.Errorf("good state %d: %v", i, err)
		}
	}
}

// deepCopy copies s down to the Qualifies slices, to detect mutation.
func deepCopy(s State) State {
	c := State{Capacity: s.Capacity, Rules: slices.Clone(s.Rules), Regs: slices.Clone(s.Regs)}
	for i := range c.Regs {
		c.Regs[i].Qualifies = slices.Clone(c.Regs[i].Qualifies)
	}
	return c
}

// sameState compares states by value, a nil slice equal to an empty one.
func sameState(a, b State) bool {
	return a.Capacity == b.Capacity && slices.Equal(a.Rules, b.Rules) &&
		slices.EqualFunc(a.Regs, b.Regs, func(x, y Reg) bool {
			return x.ID == y.ID && x.Status == y.Status && x.Pool == y.Pool && slices.Equal(x.Qualifies, y.Qualifies)
		})
}

// The activities package validates quotas with its own copy of the seat
// rounding (it cannot import this package); they must agree.
func TestReservedSeatsAgreeWithActivities(t *testing.T) {
	t.Parallel()
	for capacity := 1; capacity <= 300; capacity++ {
		for _, share := range []float64{0.01, 0.07, 0.1, 0.125, 0.2, 0.25, 0.29, 0.3, 1.0 / 3, 0.5, 0.75, 0.99, 1} {
			if a, b := ReservedSeats(capacity, share), activities.ReservedSeats(capacity, share); a != b {
				t.Fatalf("capacity %d share %v: core %d, activities %d", capacity, share, a, b)
			}
		}
	}
}
