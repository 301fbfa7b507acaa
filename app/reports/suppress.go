package reports

import (
	"math"
	"slices"
)

// Mark says whether a published count is shown, and if not, why.
type Mark uint8

// The marks Suppress gives.
const (
	// Shown: the count is published as it is.
	Shown Mark = iota
	// Small: a count of people with a sensitive attribute under the
	// threshold, published as "<N" (N the threshold).
	Small
	// Withheld: a count hidden so that a Small one cannot be worked out
	// from the totals and the other counts, published as "x".
	Withheld
)

// Cell is one count a report publishes.
type Cell struct {
	Value int
	// Sensitive: a count of people with a sensitive attribute (disability,
	// minority, LGBTI, accessibility needs).
	Sensitive bool
	// Public: known from elsewhere (the public pages, or worked out from
	// other public figures), so hiding it would protect nothing; it is
	// never hidden.
	Public bool
}

// Group says that one cell is the sum of others: the cells at Parts add up
// to the cell at Total (indexes into the cells given to Suppress). A total
// is often a part of another group, and a cell may be a part of several.
type Group struct {
	Total int
	Parts []int
}

// Suppress decides which cells a report may show, so that no count of
// people with a sensitive attribute under minCell is shown or can be worked
// out, by subtraction or otherwise, from what is shown. It returns the mark
// of each cell and changes nothing it is given. The rule:
//
//  1. Small counts: a Sensitive cell whose value is under minCell is hidden
//     as Small ("<5" when minCell is 5; zero is under it too).
//  2. Complementary cells: every group with a hidden cell must be safe, and
//     while one is not, one more of its cells is Withheld. A group is safe
//     when its total is hidden and so is one of its parts; or, its total
//     being shown, when what its hidden parts add up to (the total less
//     the shown parts, which anyone can work out) is 0, or else when at
//     least two parts are hidden, their sum is at least minCell beyond what
//     their marks already tell (a Small part is under minCell; a Withheld
//     Sensitive part is minCell or more, or it would be Small), and no part
//     is given away by those bounds (two Small parts adding up to
//     2×(minCell−1) are each minCell−1). The cell withheld is the part shown
//     with the smallest value above zero, else a part that is zero, else the
//     total; never a Public cell.
//  3. No hidden cell whose value is not zero may follow from the shown and
//     Public cells through the groups taken together (a system of linear
//     equations, as when a row's total and a column's total each leave one
//     unknown). While one does, one more cell of one of its groups is
//     Withheld as in 2, and 2 is applied again.
//
// The rule stops when everything is safe, or when nothing more can be
// hidden: a count that the public pages alone give away stays as it is.
// It does not bound hidden counts through inequalities across several
// groups; within one group it does (rule 2).
func Suppress(cells []Cell, groups []Group, minCell int) []Mark {
	marks := make([]Mark, len(cells))
	for i, c := range cells {
		if c.Sensitive && c.Value < minCell {
			marks[i] = Small
		}
	}
	member := make([][]int, len(cells)) // the groups each cell belongs to
	for g, gr := range groups {
		member[gr.Total] = append(member[gr.Total], g)
		for _, p := range gr.Parts {
			member[p] = append(member[p], g)
		}
	}
	for {
		for changed := true; changed; {
			changed = false
			for _, g := range groups {
				if !groupSafe(cells, marks, g, minCell) {
					if i := complement(cells, marks, g); i >= 0 {
						marks[i] = Withheld
						changed = true
					}
				}
			}
		}
		added := false
		for _, i := range determined(cells, marks, groups) {
			for _, g := range member[i] {
				if j := complement(cells, marks, groups[g]); j >= 0 {
					marks[j] = Withheld
					added = true
					break
				}
			}
		}
		if !added {
			return marks
		}
	}
}

// groupSafe applies rule 2 to one group.
func groupSafe(cells []Cell, marks []Mark, g Group, minCell int) bool {
	var hidden []int
	for _, p := range g.Parts {
		if marks[p] != Shown {
			hidden = append(hidden, p)
		}
	}
	if marks[g.Total] != Shown {
		return len(hidden) > 0
	}
	if len(hidden) == 0 {
		return true
	}
	sum := 0
	for _, p := range hidden {
		sum += cells[p].Value
	}
	if sum == 0 {
		return true
	}
	if len(hidden) < 2 {
		return false
	}
	// What the marks tell of each hidden part: lo ≤ value ≤ hi.
	lo, hi := make([]int, len(hidden)), make([]int, len(hidden))
	sumLo, sumHi, open := 0, 0, 0
	for k, p := range hidden {
		lo[k], hi[k] = 0, math.MaxInt
		switch {
		case marks[p] == Small:
			hi[k] = minCell - 1
		case cells[p].Sensitive:
			lo[k] = minCell
		}
		sumLo += lo[k]
		if hi[k] == math.MaxInt {
			open++
		} else {
			sumHi += hi[k]
		}
	}
	if sum-sumLo < minCell {
		return false
	}
	for k := range hidden {
		// The bounds the sum gives this part, from the others' bounds.
		least, most := lo[k], hi[k]
		if open == 0 || (open == 1 && hi[k] == math.MaxInt) {
			others := sumHi
			if hi[k] != math.MaxInt {
				others -= hi[k]
			}
			least = max(least, sum-others)
		}
		most = min(most, sum-(sumLo-lo[k]))
		if least >= most {
			return false
		}
	}
	return true
}

// complement is the cell of g to withhold next, or -1 when none may be: the
// shown, non-Public part with the smallest value above zero (the first of
// equals), else such a part that is zero, else the total when it is shown
// and not Public.
func complement(cells []Cell, marks []Mark, g Group) int {
	best, zero := -1, -1
	for _, p := range g.Parts {
		if marks[p] != Shown || cells[p].Public {
			continue
		}
		switch v := cells[p].Value; {
		case v == 0:
			if zero < 0 {
				zero = p
			}
		case best < 0 || v < cells[best].Value:
			best = p
		}
	}
	switch {
	case best >= 0:
		return best
	case zero >= 0:
		return zero
	case marks[g.Total] == Shown && !cells[g.Total].Public:
		return g.Total
	}
	return -1
}

// determined lists, in order, the hidden cells with a value above zero that
// the shown cells give away through the groups: those whose unit vector lies
// in the row space of the groups' equations over the hidden cells.
func determined(cells []Cell, marks []Mark, groups []Group) []int {
	col := map[int]int{} // cell → column of the hidden cells
	var vars []int
	for i, m := range marks {
		if m != Shown {
			col[i] = len(vars)
			vars = append(vars, i)
		}
	}
	if len(vars) == 0 {
		return nil
	}
	var rows [][]float64
	for _, g := range groups {
		row := make([]float64, len(vars))
		nonzero := false
		if c, ok := col[g.Total]; ok {
			row[c], nonzero = 1, true
		}
		for _, p := range g.Parts {
			if c, ok := col[p]; ok {
				row[c], nonzero = row[c]-1, true
			}
		}
		if nonzero {
			rows = append(rows, row)
		}
	}
	const eps = 1e-9
	// Reduced row echelon form, with partial pivoting.
	pivotRow := 0
	for c := 0; c < len(vars) && pivotRow < len(rows); c++ {
		best := pivotRow
		for r := pivotRow + 1; r < len(rows); r++ {
			if math.Abs(rows[r][c]) > math.Abs(rows[best][c]) {
				best = r
			}
		}
		if math.Abs(rows[best][c]) < eps {
			continue
		}
		rows[pivotRow], rows[best] = rows[best], rows[pivotRow]
		pr := rows[pivotRow]
		f := pr[c]
		for k := range pr {
			pr[k] /= f
		}
		for r := range rows {
			if r == pivotRow || math.Abs(rows[r][c]) < eps {
				continue
			}
			f := rows[r][c]
			for k := range rows[r] {
				rows[r][k] -= f * pr[k]
			}
		}
		pivotRow++
	}
	var out []int
	for _, row := range rows[:pivotRow] {
		only := -1
		for c, v := range row {
			if math.Abs(v) > eps {
				if only >= 0 {
					only = -2
					break
				}
				only = c
			}
		}
		if only >= 0 && cells[vars[only]].Value != 0 {
			out = append(out, vars[only])
		}
	}
	slices.Sort(out)
	return out
}
