package people

import (
	"context"
	"fmt"
	"strings"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/textfold"
	"gorm.io/gorm"
)

// SearchText is what a search for people reads of a person (the column
// people.search_text): the keys (textfold.Key) of their names, email and
// handle, one line each, so that "Батбаяр Болд" finds the whole name in any
// letter case and no search spans two fields (a search is one line). The
// keys are made in Go because SQLite's LOWER() folds ASCII only.
func SearchText(given, family, email, handle string) string {
	return textfold.Key(strings.TrimSpace(given+" "+family)) + "\n" + textfold.Key(email) + "\n" + textfold.Key(handle)
}

// SearchPattern is the LIKE pattern (with ESCAPE '\') that finds q in a
// SearchText.
func SearchPattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(textfold.Key(q)) + "%"
}

// index writes the columns a person is found by, from their fields: every
// write of a person's names, email or handle calls it.
func (p *Person) index() {
	email := ""
	if p.Email != nil {
		email = *p.Email
	}
	text := SearchText(p.GivenName, p.FamilyName, email, p.Handle)
	p.SearchText, p.HandleKey = &text, NormalizeHandle(p.Handle)
}

// indexChunk bounds the people IndexPending writes in one transaction.
const indexChunk = 1000

// IndexPending writes the search columns of the people who have none: those
// from before the columns existed (migration 00017 adds them empty, since
// SQL cannot fold Cyrillic on SQLite) and those a program wrote bypassing
// the store. The commands that migrate call it after migrating; it returns
// how many it wrote, and finds none the second time.
func IndexPending(ctx context.Context, db *gorm.DB) (int, error) {
	n := 0
	for {
		var rows []Person
		err := database.Tx(ctx, db, func(tx *gorm.DB) error {
			if err := tx.Select("id, given_name, family_name, email, handle").Where("search_text IS NULL").
				Order("id").Limit(indexChunk).Find(&rows).Error; err != nil {
				return fmt.Errorf("people: unable to find people to index: %w", err)
			}
			for i := range rows {
				rows[i].index()
			}
			return database.Bulk(tx, indexColumns, len(rows), func(i int) []any {
				return []any{rows[i].ID, *rows[i].SearchText, rows[i].HandleKey}
			}, func(source string, args []any) error {
				q := "UPDATE people SET search_text = v.search_text, handle_key = v.handle_key FROM " + source +
					" WHERE people.id = v.id"
				if _, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, q, args...); err != nil {
					return fmt.Errorf("people: unable to index people: %w", err)
				}
				return nil
			})
		})
		if err != nil {
			return n, err
		}
		n += len(rows)
		if len(rows) < indexChunk {
			return n, nil
		}
	}
}

var indexColumns = []database.BulkColumn{
	{Name: "id", PGType: "bigint"}, {Name: "search_text", PGType: "text"}, {Name: "handle_key", PGType: "text"},
}
