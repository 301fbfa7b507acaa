package reports

import (
	"fmt"
	"math/big"
	"math/rand"
	"reflect"
	"slices"
	"testing"
)

// cellsOf makes cells from values; sensitive and public list indexes.
func cellsOf(values []int, sensitive, public []int) []Cell {
	out := make([]Cell, len(values))
	for i, v := range values {
		out[i] = Cell{Value: v, Sensitive: slices.Contains(sensitive, i), Public: slices.Contains(public, i)}
	}
	return out
}

// markString shows marks compactly: . shown, s Small, x Withheld.
func markString(marks []Mark) string {
	b := make([]byte, len(marks))
	for i, m := range marks {
		b[i] = ".sx"[m]
	}
	return string(b)
}

func TestSuppress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		values    []int
		sensitive []int
		public    []int
		groups    []Group
		want      string
	}{
		{"nothing sensitive is shown", []int{10, 7, 3}, nil, nil,
			[]Group{{0, []int{1, 2}}}, "..."},
		{"a sensitive count at the threshold is shown", []int{10, 5, 5}, []int{1, 2}, []int{0},
			[]Group{{0, []int{1, 2}}}, "..."},
		{"one small count takes a complement, the smallest part", []int{20, 9, 8, 3}, []int{3}, []int{0},
			[]Group{{0, []int{1, 2, 3}}}, "..xs"},
		{"two small counts adding up to the threshold cover each other", []int{20, 15, 2, 3}, []int{2, 3}, []int{0},
			[]Group{{0, []int{1, 2, 3}}}, "..ss"},
		{"two small counts under the threshold take a complement", []int{20, 16, 1, 3}, []int{2, 3}, []int{0},
			[]Group{{0, []int{1, 2, 3}}}, ".xss"},
		{"two small counts at their most give each other away", []int{20, 12, 4, 4}, []int{2, 3}, []int{0},
			[]Group{{0, []int{1, 2, 3}}}, ".xss"},
		{"zeros may be worked out", []int{10, 10, 0, 0}, []int{2, 3}, []int{0},
			[]Group{{0, []int{1, 2, 3}}}, "..ss"},
		{"a complement that is zero comes after one that is not", []int{20, 0, 9, 3}, []int{3}, []int{0},
			[]Group{{0, []int{1, 2, 3}}}, "..xs"},
		// Withheld, a sensitive count is known to be at least the threshold
		// (else it would show as small): 5 and 3 leave 8−5 = 3 unknown.
		{"a sensitive complement counts as the threshold", []int{20, 9, 5, 3}, []int{2, 3}, []int{0},
			[]Group{{0, []int{1, 2, 3}}}, ".xxs"},
		{"a withheld cell of another group is covered there too", []int{18, 9, 6, 3, 10, 4}, []int{3}, []int{0},
			[]Group{{0, []int{1, 2, 3}}, {4, []int{2, 5}}}, "..xs.x"},
		{"the total is withheld when no part is left", []int{3, 3}, []int{1}, nil,
			[]Group{{0, []int{1}}}, "xs"},
		{"public cells are never withheld", []int{10, 8, 2}, []int{2}, []int{0, 1},
			[]Group{{0, []int{1, 2}}}, "..s"},
		{
			// x + y, y + z and x + z are shown: each group has two hidden
			// cells, yet the three equations give x away; withholding the
			// third total leaves it unknown.
			"equations across groups", []int{2, 6, 6, 8, 12, 8}, []int{0}, []int{3, 4},
			[]Group{{3, []int{0, 1}}, {4, []int{1, 2}}, {5, []int{0, 2}}}, "sxx..x",
		},
		{
			// Two activities: A has 2 and 3 people in the sensitive pools,
			// B has 8 and 8; the totals 10 and 11 would give A's away by
			// subtraction from B's, which are withheld.
			"a column total against another row", []int{
				15, 10, 2, 3, // A: confirmed, general, disability, minority
				16, 0, 8, 8, // B
				31, 10, 10, 11, // total
			}, []int{2, 3, 6, 7, 10, 11}, []int{0, 4, 8},
			[]Group{{0, []int{1, 2, 3}}, {4, []int{5, 6, 7}}, {8, []int{9, 10, 11}},
				{9, []int{1, 5}}, {10, []int{2, 6}}, {11, []int{3, 7}}},
			"..ss..xx....",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := markString(Suppress(cellsOf(tc.values, tc.sensitive, tc.public), tc.groups, 5))
			if got != tc.want {
				t.Fatalf("marks %s, want %s", got, tc.want)
			}
		})
	}
}

// rank is the rank of a matrix, by exact elimination over the rationals
// (the checker's own, apart from Suppress's floating-point one).
func rank(m [][]int) int {
	rows := make([][]*big.Rat, len(m))
	for i, r := range m {
		rows[i] = make([]*big.Rat, len(r))
		for j, v := range r {
			rows[i][j] = big.NewRat(int64(v), 1)
		}
	}
	r := 0
	for c := 0; len(rows) > 0 && c < len(rows[0]) && r < len(rows); c++ {
		p := -1
		for i := r; i < len(rows); i++ {
			if rows[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		for i := r + 1; i < len(rows); i++ {
			if rows[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(rows[i][c], rows[r][c])
			for j := c; j < len(rows[i]); j++ {
				rows[i][j].Sub(rows[i][j], new(big.Rat).Mul(f, rows[r][j]))
			}
		}
		r++
	}
	return r
}

// pinned reports whether the shown cells give hidden cell i away through
// the groups: the unit vector of i lies in the span of the groups'
// equations over the hidden cells.
func pinned(marks []Mark, groups []Group, i int) bool {
	var hidden []int
	for j, m := range marks {
		if m != Shown {
			hidden = append(hidden, j)
		}
	}
	var m [][]int
	for _, g := range groups {
		row := make([]int, len(hidden))
		for k, j := range hidden {
			if j == g.Total {
				row[k]++
			}
			for _, p := range g.Parts {
				if p == j {
					row[k]--
				}
			}
		}
		m = append(m, row)
	}
	unit := make([]int, len(hidden))
	unit[slices.Index(hidden, i)] = 1
	return rank(append(slices.Clone(m), unit)) == rank(m)
}

// randomTable is a table of r rows and c columns with row totals, column
// totals and a grand total, as the quota report lays out its counts: some
// columns hold sensitive counts, and some totals are public.
func randomTable(rng *rand.Rand) ([]Cell, []Group, int) {
	r, c := 1+rng.Intn(4), 1+rng.Intn(4)
	minCell := 1 + rng.Intn(6)
	at := func(i, j int) int { return i*(c+1) + j } // column c holds the row totals; row r the column totals
	cells := make([]Cell, (r+1)*(c+1))
	sens := make([]bool, c)
	for j := range sens {
		sens[j] = rng.Intn(2) == 0
	}
	for i := range r {
		for j := range c {
			v := rng.Intn(13)
			if rng.Intn(3) == 0 {
				v = rng.Intn(minCell + 1)
			}
			cells[at(i, j)] = Cell{Value: v, Sensitive: sens[j]}
			cells[at(i, c)].Value += v
			cells[at(r, j)].Value += v
			cells[at(r, c)].Value += v
		}
	}
	for i := 0; i <= r; i++ {
		cells[at(i, c)].Public = rng.Intn(2) == 0
	}
	for j := range c {
		cells[at(r, j)].Sensitive = sens[j]
	}
	var groups []Group
	for i := 0; i <= r; i++ {
		g := Group{Total: at(i, c)}
		for j := range c {
			g.Parts = append(g.Parts, at(i, j))
		}
		groups = append(groups, g)
	}
	for j := 0; j <= c; j++ {
		g := Group{Total: at(r, j)}
		for i := range r {
			g.Parts = append(g.Parts, at(i, j))
		}
		groups = append(groups, g)
	}
	return cells, groups, minCell
}

// checkSuppress checks the rule's promises on one table.
func checkSuppress(cells []Cell, groups []Group, minCell int) error {
	saved := slices.Clone(cells)
	marks := Suppress(cells, groups, minCell)
	if !reflect.DeepEqual(cells, saved) {
		return fmt.Errorf("Suppress changed its input")
	}
	if again := Suppress(cells, groups, minCell); !reflect.DeepEqual(again, marks) {
		return fmt.Errorf("two runs differ: %s and %s", markString(marks), markString(again))
	}
	for i, c := range cells {
		small := c.Sensitive && c.Value < minCell
		switch {
		case small != (marks[i] == Small):
			return fmt.Errorf("cell %d (%+v) marked %d", i, c, marks[i])
		case c.Public && marks[i] != Shown && !small:
			return fmt.Errorf("public cell %d withheld", i)
		}
	}
	for _, g := range groups {
		if !groupSafe(cells, marks, g, minCell) && complement(cells, marks, g) >= 0 {
			return fmt.Errorf("group %+v left unsafe with a cell to withhold: %s", g, markString(marks))
		}
	}
	for i, m := range marks {
		if m == Shown || cells[i].Value == 0 || !pinned(marks, groups, i) {
			continue
		}
		for _, g := range groups {
			if (g.Total == i || slices.Contains(g.Parts, i)) && complement(cells, marks, g) >= 0 {
				return fmt.Errorf("cell %d (%d) can be worked out, and group %+v has a cell to withhold: %s",
					i, cells[i].Value, g, markString(marks))
			}
		}
	}
	return nil
}

// TestSuppressRandomTables gives CI the fuzz test's coverage with fixed
// seeds.
func TestSuppressRandomTables(t *testing.T) {
	t.Parallel()
	seeds := int64(3000)
	if testing.Short() {
		seeds = 300 // a tenth, for the quick run; make test runs them all
	}
	for seed := int64(1); seed <= seeds; seed++ {
		cells, groups, minCell := randomTable(rand.New(rand.NewSource(seed)))
		if err := checkSuppress(cells, groups, minCell); err != nil {
			t.Fatalf("seed %d, minCell %d, cells %+v: %v", seed, minCell, cells, err)
		}
	}
}

func FuzzSuppress(f *testing.F) {
	for _, s := range []int64{1, 2, 3, 42} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		cells, groups, minCell := randomTable(rand.New(rand.NewSource(seed)))
		if err := checkSuppress(cells, groups, minCell); err != nil {
			t.Fatalf("minCell %d, cells %+v: %v", minCell, cells, err)
		}
	})
}
