package database_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// tableSchema is what TestSchemasAgree compares of a table, in a form both
// databases can be read into: every part normalised, every list sorted.
type tableSchema struct {
	Columns     map[string]string // name → "type null|not null default …"
	PrimaryKey  string            // its columns, comma-separated
	Unique      []string          // unique constraints and unique indexes, as column lists
	Indexes     []string          // the other indexes, as column lists
	ForeignKeys []string          // "column → table.column on delete action"
}

// schemaExceptions are the differences inherent to a dialect, each as
// TestSchemasAgree reports it, with why. Only that exact difference is
// allowed (a column that also changes its nullability fails again), and
// an exception that no longer occurs fails too, so the list cannot rot.
var schemaExceptions = map[string]string{
	// SQLite has no date type: civil.Date keeps a day as "YYYY-MM-DD" text.
	`campaigns.ends_on: sqlite "text null", postgres "date null"`:                      "a day is ISO text on SQLite",
	`campaigns.starts_on: sqlite "text null", postgres "date null"`:                    "a day is ISO text on SQLite",
	`letters.delivered_on: sqlite "text null", postgres "date null"`:                   "a day is ISO text on SQLite",
	`partnership_changes.changed_on: sqlite "text not null", postgres "date not null"`: "a day is ISO text on SQLite",
	`partnerships.started_on: sqlite "text null", postgres "date null"`:                "a day is ISO text on SQLite",
	// A substring search (LIKE '%…%') is served by a trigram index, which
	// SQLite has not (migration 00017).
	`people.indexes: sqlite ["handle_key where handle_key <> ''" "id where news_at is not null and email is not null" "id where search_text is null" "locality,volunteer,id"], postgres ["handle_key where handle_key <> ''" "id where news_at is not null and email is not null" "id where search_text is null" "locality,volunteer,id" "search_text"]`: "pg_trgm on PostgreSQL only",
}

// TestSchemasAgree migrates SQLite and PostgreSQL and compares, table by
// table, the columns (type, nullability, default), the primary key, the
// unique keys, the other indexes and the foreign keys with their ON DELETE.
// Without TEST_DATABASE_URL there is nothing to compare with.
func TestSchemasAgree(t *testing.T) {
	if !slices.Contains(testdb.Dialects(), database.Postgres) {
		t.Skip("TEST_DATABASE_URL is not set: no PostgreSQL schema to compare with")
	}
	lite := readSchema(t, testdb.New(t, database.SQLite))
	pg := readSchema(t, testdb.New(t, database.Postgres))
	for _, d := range schemaDiff(lite, pg, schemaExceptions) {
		t.Errorf("schemas differ: %s", d)
	}
}

// TestSchemaDiffSeesEachPart proves schemaDiff reports a change to each
// part it compares: a unique index gone on one side, a default, a foreign
// key's action, a column's nullability.
func TestSchemaDiffSeesEachPart(t *testing.T) {
	base := func() map[string]tableSchema {
		return map[string]tableSchema{"t": {
			Columns:     map[string]string{"id": "int not null", "email": "text null"},
			PrimaryKey:  "id",
			Unique:      []string{"email"},
			Indexes:     []string{"email,id"},
			ForeignKeys: []string{"id → u.id on delete cascade"},
		}}
	}
	changes := map[string]func(s *tableSchema){
		"unique":  func(s *tableSchema) { s.Unique = nil },
		"index":   func(s *tableSchema) { s.Indexes = []string{"id"} },
		"fk":      func(s *tableSchema) { s.ForeignKeys = []string{"id → u.id on delete no action"} },
		"column":  func(s *tableSchema) { s.Columns["email"] = "text not null" },
		"pk":      func(s *tableSchema) { s.PrimaryKey = "email" },
		"default": func(s *tableSchema) { s.Columns["email"] = "text null default x" },
	}
	if d := schemaDiff(base(), base(), nil); len(d) != 0 {
		t.Fatalf("equal schemas differ: %v", d)
	}
	for name, change := range changes {
		other := base()
		s := other["t"]
		change(&s)
		other["t"] = s
		if d := schemaDiff(base(), other, nil); len(d) == 0 {
			t.Errorf("a change of %s went unseen", name)
		}
	}
	if d := schemaDiff(base(), map[string]tableSchema{}, nil); len(d) == 0 {
		t.Error("a missing table went unseen")
	}
	other := base()
	other["t"].Columns["email"] = "date null"
	allowed := map[string]string{`t.email: sqlite "text null", postgres "date null"`: "test"}
	if d := schemaDiff(base(), other, allowed); len(d) != 0 {
		t.Errorf("an allowed difference was reported: %v", d)
	}
	if d := schemaDiff(base(), base(), allowed); len(d) != 1 {
		t.Errorf("an allowed difference that no longer occurs went unseen: %v", d)
	}
}

// schemaDiff lists the differences between the SQLite and the PostgreSQL
// schema that allowed does not name, and those it names that no longer
// occur.
func schemaDiff(lite, pg map[string]tableSchema, allowed map[string]string) []string {
	var diffs []string
	seen := map[string]bool{}
	differ := func(key, format string, args ...any) {
		d := key + ": " + fmt.Sprintf(format, args...)
		if _, ok := allowed[d]; ok {
			seen[d] = true
			return
		}
		diffs = append(diffs, d)
	}
	var names []string
	for name := range lite {
		names = append(names, name)
	}
	for name := range pg {
		if _, ok := lite[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		l, inLite := lite[name]
		p, inPG := pg[name]
		if !inLite || !inPG {
			differ(name, "table only in one database (sqlite %v, postgres %v)", inLite, inPG)
			continue
		}
		var cols []string
		for c := range l.Columns {
			cols = append(cols, c)
		}
		for c := range p.Columns {
			if _, ok := l.Columns[c]; !ok {
				cols = append(cols, c)
			}
		}
		slices.Sort(cols)
		for _, c := range cols {
			if l.Columns[c] != p.Columns[c] {
				differ(name+"."+c, "sqlite %q, postgres %q", l.Columns[c], p.Columns[c])
			}
		}
		if l.PrimaryKey != p.PrimaryKey {
			differ(name+".primary key", "sqlite (%s), postgres (%s)", l.PrimaryKey, p.PrimaryKey)
		}
		for part, pair := range map[string][2][]string{
			"unique": {l.Unique, p.Unique}, "indexes": {l.Indexes, p.Indexes}, "foreign keys": {l.ForeignKeys, p.ForeignKeys},
		} {
			if !slices.Equal(pair[0], pair[1]) {
				differ(name+"."+part, "sqlite %q, postgres %q", pair[0], pair[1])
			}
		}
	}
	for d := range allowed {
		if !seen[d] {
			diffs = append(diffs, "an allowed difference no longer occurs (remove it): "+d)
		}
	}
	slices.Sort(diffs)
	return diffs
}

// readSchema reads every table of db into the common form.
func readSchema(t *testing.T, db *gorm.DB) map[string]tableSchema {
	t.Helper()
	out := map[string]tableSchema{}
	for _, table := range tables(t, db) {
		var s tableSchema
		if database.Dialect(db) == database.Postgres {
			s = readPostgresTable(t, db, table)
		} else {
			s = readSQLiteTable(t, db, table)
		}
		slices.Sort(s.Unique)
		slices.Sort(s.Indexes)
		slices.Sort(s.ForeignKeys)
		out[table] = s
	}
	return out
}

func readSQLiteTable(t *testing.T, db *gorm.DB, table string) tableSchema {
	s := tableSchema{Columns: map[string]string{}}
	var cols []struct {
		Name    string
		Type    string
		NotNull bool
		Dflt    *string `gorm:"column:dflt_value"`
		PK      int
	}
	scan(t, db, &cols, "SELECT name, type, \"notnull\" AS not_null, dflt_value, pk FROM pragma_table_info(?)", table)
	pk := map[int]string{}
	for _, c := range cols {
		s.Columns[c.Name] = column(c.Type, !c.NotNull && c.PK == 0, c.Dflt)
		if c.PK > 0 {
			pk[c.PK] = c.Name
		}
	}
	for i := 1; i <= len(pk); i++ {
		s.PrimaryKey = join(s.PrimaryKey, pk[i])
	}
	var idx []struct {
		Name    string
		Unique  bool
		Origin  string
		Partial bool
	}
	scan(t, db, &idx, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", table)
	for _, ix := range idx {
		if ix.Origin == "pk" {
			continue
		}
		var def string
		scan(t, db, &def, "SELECT COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND name = ?", ix.Name)
		var parts []struct {
			Name *string
			Key  bool
		}
		scan(t, db, &parts, "SELECT name, key FROM pragma_index_xinfo(?) ORDER BY seqno", ix.Name)
		var keys string
		exprs := indexExpressions(def)
		for _, p := range parts {
			switch {
			case !p.Key:
			case p.Name != nil:
				keys = join(keys, *p.Name)
			case len(exprs) > 0:
				keys, exprs = join(keys, normaliseExpr(exprs[0])), exprs[1:]
			default:
				t.Fatalf("%s: an expression in index %s that its definition does not show: %s", table, ix.Name, def)
			}
		}
		if ix.Partial {
			_, where, _ := strings.Cut(strings.ToLower(def), " where ")
			keys += " where " + normaliseExpr(where)
		}
		if ix.Unique {
			s.Unique = append(s.Unique, keys)
		} else {
			s.Indexes = append(s.Indexes, keys)
		}
	}
	var fks []struct {
		ID       int
		Table    string
		From     string
		To       *string
		OnDelete string
	}
	scan(t, db, &fks, "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq", table)
	for _, fk := range fks {
		to := "id" // a reference without a column names the parent's primary key, id in every table here
		if fk.To != nil {
			to = *fk.To
		}
		s.ForeignKeys = append(s.ForeignKeys, fmt.Sprintf("%s → %s.%s on delete %s", fk.From, fk.Table, to, strings.ToLower(fk.OnDelete)))
	}
	return s
}

func readPostgresTable(t *testing.T, db *gorm.DB, table string) tableSchema {
	s := tableSchema{Columns: map[string]string{}}
	var cols []struct {
		ColumnName    string
		DataType      string
		IsNullable    string
		ColumnDefault *string
		IsIdentity    string
	}
	scan(t, db, &cols, `SELECT column_name, data_type, is_nullable, column_default, is_identity
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?`, table)
	for _, c := range cols {
		s.Columns[c.ColumnName] = column(c.DataType, c.IsNullable == "YES", c.ColumnDefault)
	}
	var idx []struct {
		Primary bool
		Unique  bool
		Keys    string
		Pred    *string
	}
	scan(t, db, &idx, `SELECT ix.indisprimary AS "primary", ix.indisunique AS "unique",
			(SELECT string_agg(pg_get_indexdef(ix.indexrelid, k, true), '|' ORDER BY k)
				FROM generate_series(1, ix.indnkeyatts) k) AS keys,
			pg_get_expr(ix.indpred, ix.indrelid, true) AS pred
		FROM pg_index ix WHERE ix.indrelid = ?::regclass`, table)
	for _, ix := range idx {
		var keys string
		for k := range strings.SplitSeq(ix.Keys, "|") {
			k = strings.ReplaceAll(k, `"`, "") // a key word as a column name, "position"
			if strings.ContainsAny(k, "( ") {
				k = normaliseExpr(k)
			}
			keys = join(keys, k)
		}
		if ix.Pred != nil {
			keys += " where " + normaliseExpr(*ix.Pred)
		}
		switch {
		case ix.Primary:
			s.PrimaryKey = keys
		case ix.Unique:
			s.Unique = append(s.Unique, keys)
		default:
			s.Indexes = append(s.Indexes, keys)
		}
	}
	var fks []struct {
		From     string
		Table    string
		To       string
		OnDelete string
	}
	scan(t, db, &fks, `SELECT a.attname AS "from", rt.relname AS "table", ra.attname AS "to",
			CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
				WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' END AS on_delete
		FROM pg_constraint c
		CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, ref)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
		JOIN pg_class rt ON rt.oid = c.confrelid
		JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.ref
		WHERE c.contype = 'f' AND c.conrelid = ?::regclass`, table)
	for _, fk := range fks {
		s.ForeignKeys = append(s.ForeignKeys, fmt.Sprintf("%s → %s.%s on delete %s", fk.From, fk.Table, fk.To, fk.OnDelete))
	}
	return s
}

func scan(t *testing.T, db *gorm.DB, dest any, query string, args ...any) {
	t.Helper()
	if err := db.Raw(query, args...).Scan(dest).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func join(list, item string) string {
	if list == "" {
		return item
	}
	return list + "," + item
}

// columnTypes maps each database's type names onto one small vocabulary.
// A boolean is declared BOOLEAN on both: SQLite keeps it as 0 or 1 but
// keeps the declared name too, and the drivers read the column by that name,
// so a boolean declared INTEGER on SQLite is a real difference. PostgreSQL's
// INTEGER and BIGINT are both int, as SQLite has one integer type; REAL and
// DOUBLE PRECISION both float, likewise.
var columnTypes = map[string]string{
	"integer": "int", "bigint": "int", "smallint": "int", "int": "int",
	"text": "text", "character varying": "text", "varchar": "text",
	"boolean":                  "bool",
	"timestamp with time zone": "time", "timestamp without time zone": "time", "timestamptz": "time", "datetime": "time",
	"date":  "date",
	"bytea": "bytes", "blob": "bytes",
	"real": "float", "double precision": "float",
}

// column is a column's type, nullability and default in the common form.
func column(typ string, null bool, dflt *string) string {
	typ = strings.ToLower(strings.TrimSpace(typ))
	if i := strings.IndexByte(typ, '('); i >= 0 {
		typ = strings.TrimSpace(typ[:i])
	}
	out, ok := columnTypes[typ]
	if !ok {
		out = "unknown type " + typ
	}
	if null {
		out += " null"
	} else {
		out += " not null"
	}
	if dflt != nil {
		if d := normaliseDefault(*dflt); d != "" {
			out += " default " + d
		}
	}
	return out
}

var (
	pgCast   = regexp.MustCompile(`::[a-z_]+( [a-z_]+)*(\[\])?`)
	spaces   = regexp.MustCompile(`\s+`)
	defaults = map[string]string{
		"now()": "now", "current_timestamp": "now",
		"true": "1", "false": "0",
	}
)

// normaliseDefault is a default in the common form: no casts or outer
// parentheses, the current time as now, booleans as 1 and 0. Quotes stay,
// so that a default of empty text differs from no default, and the text
// 'now' from the time. An identity column's sequence is no default: SQLite's INTEGER
// PRIMARY KEY numbers its rows without one.
func normaliseDefault(d string) string {
	d = normaliseExpr(d)
	if r, ok := defaults[d]; ok {
		return r
	}
	if strings.HasPrefix(d, "nextval") {
		return ""
	}
	return d
}

// normaliseExpr is an index expression, predicate or default in the common
// form: lower case, no PostgreSQL casts, no parentheses around it, single
// spaces.
func normaliseExpr(e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	e = pgCast.ReplaceAllString(e, "")
	e = spaces.ReplaceAllString(e, " ")
	for strings.HasPrefix(e, "(") && strings.HasSuffix(e, ")") && balanced(e[1:len(e)-1]) {
		e = strings.TrimSpace(e[1 : len(e)-1])
	}
	return e
}

// balanced reports whether s closes every parenthesis it opens, in order.
func balanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			if depth--; depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// indexExpressions lists the expression keys of a CREATE INDEX statement,
// in order: its key list split at top-level commas, keeping those that are
// not plain column names.
func indexExpressions(def string) []string {
	open := strings.IndexByte(def, '(')
	if open < 0 {
		return nil
	}
	var out []string
	depth, start := 0, open+1
	for i := open; i < len(def); i++ {
		switch def[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 1 && def[i] == ',' || depth == 0 {
			key := strings.TrimSpace(def[start:i])
			if strings.ContainsAny(key, "( ") {
				out = append(out, key)
			}
			start = i + 1
		}
		if depth == 0 {
			break
		}
	}
	return out
}
