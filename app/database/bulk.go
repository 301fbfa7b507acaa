package database

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// BulkColumn is a column of a Bulk statement: its name and the PostgreSQL
// type of its values (text, int, bigint, boolean or timestamptz).
type BulkColumn struct{ Name, PGType string }

// BulkNames is the columns' names, comma-separated, in order.
func BulkNames(cols []BulkColumn) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// sqliteBulkParams bounds the parameters of one SQLite Bulk statement.
const sqliteBulkParams = 900

// Bulk runs stmt over the n rows that row gives (one value per column of
// cols, in order; nil is NULL), in as few statements as the database takes
// well. stmt gets source, a table named v with the columns, to write after
// FROM (INSERT INTO t (…) SELECT * FROM source, UPDATE t … FROM source), and
// the parameters to run it with on tx's connection.
//
// PostgreSQL gets one array per column, unnested: one statement of a few
// parameters whatever its rows, which it parses and plans at once. SQLite,
// which has no arrays, gets a VALUES list; its driver binds parameters in a
// time that grows with the square of their number, so each statement takes
// a few hundred parameters.
func Bulk(tx *gorm.DB, cols []BulkColumn, n int, row func(i int) []any, stmt func(source string, args []any) error) error {
	if n == 0 {
		return nil
	}
	if Dialect(tx) == Postgres {
		arrays := make([][]any, len(cols))
		for j := range arrays {
			arrays[j] = make([]any, n)
		}
		for i := range n {
			for j, v := range row(i) {
				arrays[j][i] = v
			}
		}
		params := make([]string, len(cols))
		args := make([]any, len(cols))
		for j, c := range cols {
			params[j] = fmt.Sprintf("$%d::%s[]", j+1, c.PGType)
			args[j] = pgArray(c.PGType, arrays[j])
		}
		return stmt("unnest("+strings.Join(params, ", ")+") AS v ("+BulkNames(cols)+")", args)
	}
	per := max(1, sqliteBulkParams/len(cols))
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var b strings.Builder
		b.WriteString("(SELECT ")
		for j, c := range cols {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "column%d AS %s", j+1, c.Name)
		}
		b.WriteString(" FROM (VALUES ")
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString("(?" + strings.Repeat(", ?", len(cols)-1) + ")")
			args = append(args, row(i)...)
		}
		b.WriteString(")) AS v")
		if err := stmt(b.String(), args); err != nil {
			return err
		}
	}
	return nil
}

// pgArray is one column of a bulk statement as the array pgx sends for
// PostgreSQL type t, nil elements as NULL.
func pgArray(t string, values []any) any {
	switch t {
	case "text":
		return typedArray[string](values)
	case "int", "bigint":
		return typedArray[int64](values)
	case "boolean":
		return typedArray[bool](values)
	case "timestamptz":
		return typedArray[time.Time](values)
	}
	panic("database: no array of " + t)
}

// typedArray converts values, each a T or nil, to the pointers pgx encodes.
func typedArray[T any](values []any) []*T {
	out := make([]*T, len(values))
	for i, v := range values {
		if v != nil {
			x := v.(T)
			out[i] = &x
		}
	}
	return out
}
