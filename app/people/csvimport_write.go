package people

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gotong/gotong/app/database"
	"gorm.io/gorm"
)

// importWriter writes batches of rows in one transaction.
type importWriter struct {
	s      *Store
	tx     *gorm.DB
	update bool
	now    time.Time
	rep    *ImportReport
	tags   map[string]int64 // the ids of the tags met so far
}

// knownRow is a row whose email belongs to a person already there.
type knownRow struct {
	row    *ImportRow
	person *Person
}

// write writes one batch: rows with distinct, valid emails.
func (w *importWriter) write(rows []ImportRow) error {
	if len(rows) == 0 {
		return nil
	}
	emails := make([]string, len(rows))
	for i := range rows {
		emails[i] = rows[i].Input.Email
	}
	// Rows to update are read locked, in the order of their ids so that
	// two imports cannot deadlock: their search columns are written from
	// what is read here.
	read := w.tx
	if w.update {
		read = database.ForUpdate(w.tx.Order("id"))
	}
	known, err := w.s.byEmails(read, emails)
	if err != nil {
		return err
	}
	var fresh []*ImportRow
	for i := range rows {
		if _, ok := known[rows[i].Input.Email]; !ok {
			fresh = append(fresh, &rows[i])
		}
	}
	ids := make(map[*ImportRow]int64, len(rows))
	raced, err := w.create(fresh, ids)
	if err != nil {
		return err
	}
	if len(raced) > 0 { // created meanwhile by someone else: known now
		found, err := w.s.byEmails(read, raced)
		if err != nil {
			return err
		}
		maps.Copy(known, found)
	}
	var update []knownRow
	for i := range rows {
		row := &rows[i]
		if _, ok := ids[row]; ok {
			continue
		}
		p, ok := known[row.Input.Email]
		switch {
		case !ok:
			return fmt.Errorf("people: the person of line %d was neither found nor created", row.Line)
		case w.update:
			update = append(update, knownRow{row, p})
			ids[row] = p.ID
		default:
			w.rep.Skipped++
		}
	}
	if err := w.updateKnown(update); err != nil {
		return err
	}
	if err := w.consents(fresh, update, ids); err != nil {
		return err
	}
	return w.tag(ids)
}

// create inserts the people of rows, puts their ids in ids, and returns
// the emails it did not insert: people another transaction created
// meanwhile.
func (w *importWriter) create(rows []*ImportRow, ids map[*ImportRow]int64) (raced []string, err error) {
	if len(rows) == 0 {
		return nil, nil
	}
	// In one order, so that two imports inserting the same people cannot
	// deadlock on the email index.
	slices.SortFunc(rows, func(a, b *ImportRow) int { return strings.Compare(a.Input.Email, b.Input.Email) })
	byEmail := make(map[string]*ImportRow, len(rows))
	for _, row := range rows {
		byEmail[row.Input.Email] = row
	}
	err = database.Bulk(w.tx, insertColumns, len(rows), func(i int) []any {
		var p Person
		row := rows[i]
		row.Input.Apply(&p)
		var year, consentAt any
		if p.BirthYear != nil {
			year = int64(*p.BirthYear)
		}
		version := ""
		if row.Consent != nil && *row.Consent {
			version, consentAt = ConsentVersion, w.now
		}
		return []any{p.GivenName, p.FamilyName, *p.Email, p.Phone, year, p.Region, p.Locality, p.Locale, p.Handle,
			p.Volunteer, version, consentAt, ConsentImport, w.now, w.now, *p.SearchText, p.HandleKey}
	}, func(source string, args []any) error {
		q := "INSERT INTO people (" + database.BulkNames(insertColumns) + ") SELECT * FROM " + source +
			" WHERE true ON CONFLICT DO NOTHING RETURNING id, email"
		rs, err := w.tx.Statement.ConnPool.QueryContext(w.tx.Statement.Context, q, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var id int64
			var email string
			if err := rs.Scan(&id, &email); err != nil {
				return err
			}
			if row, ok := byEmail[email]; ok {
				ids[row] = id
				w.rep.Created++
			}
		}
		return rs.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("people: unable to create people: %w", err)
	}
	for _, row := range rows {
		if _, ok := ids[row]; !ok {
			raced = append(raced, row.Input.Email)
		}
	}
	return raced, nil
}

// updateKnown writes the fields each row gives onto its person. A NULL
// keeps the person's value: the statement writes only what a row gives, so
// a change made meanwhile to another field stays.
func (w *importWriter) updateKnown(rows []knownRow) error {
	if len(rows) == 0 {
		return nil
	}
	err := database.Bulk(w.tx, updateColumns, len(rows), func(i int) []any {
		in, row := &rows[i].row.Input, rows[i].row
		str := func(field, v string) any {
			if row.Gives(field) {
				return v
			}
			return nil
		}
		// The person as the update leaves them, for their search columns:
		// their row is locked (write), so no other change comes between.
		p := *rows[i].person
		for _, f := range []struct {
			field string
			to    *string
			v     string
		}{{FieldGivenName, &p.GivenName, in.GivenName}, {FieldFamilyName, &p.FamilyName, in.FamilyName}, {FieldHandle, &p.Handle, in.Handle}} {
			if row.Gives(f.field) {
				*f.to = f.v
			}
		}
		p.index()
		out := []any{rows[i].person.ID, str(FieldGivenName, in.GivenName), str(FieldFamilyName, in.FamilyName),
			str(FieldPhone, in.Phone), nil, str(FieldRegion, in.Region), str(FieldLocality, in.Locality),
			str(FieldLocale, in.Locale), str(FieldHandle, in.Handle), nil, row.Consent != nil, "", nil, w.now,
			*p.SearchText, p.HandleKey}
		if in.BirthYear != nil {
			out[4] = int64(*in.BirthYear)
		}
		if row.Gives(FieldVolunteer) {
			out[9] = in.Volunteer
		}
		if row.Consent != nil && *row.Consent {
			out[11], out[12] = ConsentVersion, w.now
		}
		return out
	}, func(source string, args []any) error {
		res, err := w.tx.Statement.ConnPool.ExecContext(w.tx.Statement.Context, updateSQL+source+" WHERE people.id = v.id", args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		w.rep.Updated += int(n)
		return err
	})
	if err != nil {
		return fmt.Errorf("people: unable to update people: %w", err)
	}
	return nil
}

// consents records the consent the rows give: given by a new person, given
// again or withdrawn by a known one.
func (w *importWriter) consents(fresh []*ImportRow, update []knownRow, ids map[*ImportRow]int64) error {
	type change struct {
		person int64
		given  bool
	}
	var changes []change
	for _, row := range fresh {
		if id, ok := ids[row]; ok && row.Consent != nil && *row.Consent {
			changes = append(changes, change{id, true})
		}
	}
	for _, k := range update {
		switch c := k.row.Consent; {
		case c == nil:
		case *c:
			changes = append(changes, change{k.person.ID, true})
		case k.person.ConsentAt != nil:
			changes = append(changes, change{k.person.ID, false})
		}
	}
	err := database.Bulk(w.tx, consentColumns, len(changes), func(i int) []any {
		return []any{changes[i].person, changes[i].given, ConsentVersion, ConsentImport, w.now}
	}, w.insertFrom("person_consents", consentColumns, ""))
	if err != nil {
		return fmt.Errorf("people: unable to record consents: %w", err)
	}
	return nil
}

// tag gives the people of ids the tags of their rows, keeping those they
// have.
func (w *importWriter) tag(ids map[*ImportRow]int64) error {
	var missing []string
	for row := range ids {
		for _, t := range row.Input.Tags {
			if _, ok := w.tags[t]; !ok {
				w.tags[t] = 0
				missing = append(missing, t)
			}
		}
	}
	for start := 0; start < len(missing); start += tagChunk {
		found, err := EnsureTags(w.tx, missing[start:min(start+tagChunk, len(missing))])
		if err != nil {
			return err
		}
		maps.Copy(w.tags, found)
	}
	var links []PersonTag
	for row, id := range ids {
		for _, t := range row.Input.Tags {
			links = append(links, PersonTag{PersonID: id, TagID: w.tags[t]})
		}
	}
	slices.SortFunc(links, func(a, b PersonTag) int {
		return cmp.Or(cmp.Compare(a.PersonID, b.PersonID), cmp.Compare(a.TagID, b.TagID))
	})
	err := database.Bulk(w.tx, personTagColumns, len(links), func(i int) []any { return []any{links[i].PersonID, links[i].TagID} },
		w.insertFrom("person_tags", personTagColumns, " ON CONFLICT DO NOTHING"))
	if err != nil {
		return fmt.Errorf("people: unable to tag people: %w", err)
	}
	return nil
}

// tagChunk bounds the tags of one EnsureTags.
const tagChunk = 5000

// insertFrom is a bulk statement inserting its source into table.
func (w *importWriter) insertFrom(table string, cols []database.BulkColumn, tail string) func(string, []any) error {
	return func(source string, args []any) error {
		q := "INSERT INTO " + table + " (" + database.BulkNames(cols) + ") SELECT * FROM " + source + " WHERE true" + tail
		_, err := w.tx.Statement.ConnPool.ExecContext(w.tx.Statement.Context, q, args...)
		return err
	}
}

// Bulk columns: each statement's, in order.
var (
	insertColumns = []database.BulkColumn{
		{Name: "given_name", PGType: "text"}, {Name: "family_name", PGType: "text"},
		{Name: "email", PGType: "text"}, {Name: "phone", PGType: "text"},
		{Name: "birth_year", PGType: "int"}, {Name: "region", PGType: "text"},
		{Name: "locality", PGType: "text"}, {Name: "locale", PGType: "text"},
		{Name: "handle", PGType: "text"}, {Name: "volunteer", PGType: "boolean"},
		{Name: "consent_version", PGType: "text"}, {Name: "consent_at", PGType: "timestamptz"},
		{Name: "source", PGType: "text"}, {Name: "created_at", PGType: "timestamptz"},
		{Name: "updated_at", PGType: "timestamptz"}, {Name: "search_text", PGType: "text"},
		{Name: "handle_key", PGType: "text"},
	}
	updateColumns = []database.BulkColumn{
		{Name: "id", PGType: "bigint"}, {Name: "given_name", PGType: "text"},
		{Name: "family_name", PGType: "text"}, {Name: "phone", PGType: "text"},
		{Name: "birth_year", PGType: "int"}, {Name: "region", PGType: "text"},
		{Name: "locality", PGType: "text"}, {Name: "locale", PGType: "text"},
		{Name: "handle", PGType: "text"}, {Name: "volunteer", PGType: "boolean"},
		{Name: "consent_set", PGType: "boolean"}, {Name: "consent_version", PGType: "text"},
		{Name: "consent_at", PGType: "timestamptz"}, {Name: "updated_at", PGType: "timestamptz"},
		{Name: "search_text", PGType: "text"}, {Name: "handle_key", PGType: "text"},
	}
	consentColumns = []database.BulkColumn{
		{Name: "person_id", PGType: "bigint"}, {Name: "given", PGType: "boolean"},
		{Name: "version", PGType: "text"}, {Name: "source", PGType: "text"},
		{Name: "at", PGType: "timestamptz"},
	}
	personTagColumns = []database.BulkColumn{
		{Name: "person_id", PGType: "bigint"}, {Name: "tag_id", PGType: "bigint"},
	}
)

// updateSQL updates people from a bulk source of updateColumns.
const updateSQL = `UPDATE people SET
 given_name = COALESCE(v.given_name, people.given_name), family_name = COALESCE(v.family_name, people.family_name),
 phone = COALESCE(v.phone, people.phone), birth_year = COALESCE(v.birth_year, people.birth_year),
 region = COALESCE(v.region, people.region), locality = COALESCE(v.locality, people.locality),
 locale = COALESCE(v.locale, people.locale), handle = COALESCE(v.handle, people.handle),
 volunteer = COALESCE(v.volunteer, people.volunteer),
 consent_version = CASE WHEN v.consent_set THEN v.consent_version ELSE people.consent_version END,
 consent_at = CASE WHEN v.consent_set THEN v.consent_at ELSE people.consent_at END,
 updated_at = v.updated_at, search_text = v.search_text, handle_key = v.handle_key
FROM `
