package peopleseed

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/people"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// MaxCount bounds the people of one run.
const MaxCount = 10_000_000

// ErrSeeded means the people of this seed are there already: Seed adds
// people on top of those a database has, but never the same ones twice.
var ErrSeeded = errors.New("peopleseed: the people of this seed are already there")

// Result is what a run of Seed wrote.
type Result struct {
	People   int
	FirstID  int64 // person i of the seed has the id FirstID + i
	TagLinks int
	News     int // people with consent to news
	Took     time.Duration
}

// Seed writes people 0 to n-1 of seed, with their tags and their consent to
// news (a given row of their consent history, source import, and news_at, as
// people.RecordNews keeps them), in one transaction:
// all or none. They are added to the people already there, with ids after
// theirs; a seed already written is refused with ErrSeeded. On PostgreSQL
// the rows go in by COPY and the tables are vacuumed and analysed after, as
// autovacuum would do a little later, so that plans see the new rows.
func Seed(ctx context.Context, db *gorm.DB, seed int64, n int) (Result, error) {
	if n < 1 || n > MaxCount {
		return Result{}, fmt.Errorf("peopleseed: the count must be between 1 and %d", MaxCount)
	}
	if seed < 0 {
		return Result{}, errors.New("peopleseed: the seed must not be negative")
	}
	start := time.Now()
	var res Result
	var err error
	if database.Dialect(db) == database.Postgres {
		res, err = seedPostgres(ctx, db, seed, n)
	} else {
		res, err = seedSQLite(ctx, db, seed, n)
	}
	res.Took = time.Since(start)
	return res, err
}

// themeNames are the names of Themes.
func themeNames() []string {
	out := make([]string, len(Themes))
	for i, t := range Themes {
		out[i] = t.Name
	}
	return out
}

// personColumns are the columns of people Seed writes, in the order of values.
var personColumns = []string{"id", "given_name", "family_name", "email", "birth_year", "region", "locality",
	"locale", "handle", "volunteer", "consent_version", "consent_at", "source", "created_at", "updated_at",
	"search_text", "handle_key", "news_at"}

func values(p *Person, id int64) []any {
	return []any{id, p.GivenName, p.FamilyName, *p.Person.Email, *p.BirthYear, p.Region, p.Locality,
		p.Locale, p.Handle, p.Volunteer, p.ConsentVersion, *p.ConsentAt, p.Source, p.CreatedAt, p.UpdatedAt,
		people.SearchText(p.GivenName, p.FamilyName, *p.Person.Email, p.Handle), people.NormalizeHandle(p.Handle), p.NewsAt}
}

// consentColumns are the columns of person_consents Seed writes, in the order
// of newsConsent.
var consentColumns = []string{"person_id", "given", "version", "source", "purpose", "at"}

// newsConsent is the history row of a consent to news given at at.
func newsConsent(id int64, at time.Time) []any {
	return []any{id, true, people.ConsentVersion, people.ConsentImport, people.ConsentToNews, at}
}

// news is a person of the seed who consented to news, and when.
type news struct {
	id int64
	at time.Time
}

func seedPostgres(ctx context.Context, db *gorm.DB, seed int64, n int) (Result, error) {
	res := Result{People: n}
	sqlDB, err := db.DB()
	if err != nil {
		return res, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("peopleseed: unable to connect: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("peopleseed: the PostgreSQL driver is %T, not pgx", dc)
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }() // after Commit it does nothing
		// A bulk load's COPY and constraint checks take longer than the
		// statement_timeout meant for requests.
		if _, err := tx.Exec(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
			return err
		}
		// Nobody else inserts people meanwhile, so the ids taken from the
		// sequence below are a block of our own.
		if _, err := tx.Exec(ctx, "LOCK TABLE people IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM people WHERE email = $1)", Email(seed, 0)).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return ErrSeeded
		}
		if err := tx.QueryRow(ctx, "SELECT nextval(pg_get_serial_sequence('people', 'id'))").Scan(&res.FirstID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence('people', 'id'), $1)", res.FirstID+int64(n)-1); err != nil {
			return err
		}
		names := themeNames()
		if _, err := tx.Exec(ctx, "INSERT INTO tags (name) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT DO NOTHING", names); err != nil {
			return err
		}
		tagIDs := map[string]int64{}
		rows, err := tx.Query(ctx, "SELECT id, name FROM tags WHERE name = ANY($1)", names)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			tagIDs[name] = id
		}
		if err := rows.Err(); err != nil {
			return err
		}
		i := -1
		var p Person
		var consents []news
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"people"}, personColumns, pgx.CopyFromFunc(func() ([]any, error) {
			if i++; i == n {
				return nil, nil
			}
			p = Generate(seed, i)
			id := res.FirstID + int64(i)
			if p.NewsAt != nil {
				consents = append(consents, news{id, *p.NewsAt})
			}
			return values(&p, id), nil
		})); err != nil {
			return err
		}
		res.News = len(consents)
		// A foreign key is checked row by row, each check locking the
		// person it names: two million checks take most of a minute. The
		// keys of person_tags and person_consents are dropped here and
		// added again below, which checks every row at once; all in this
		// transaction.
		var restore []string
		for _, table := range []string{"person_tags", "person_consents"} {
			adds, err := dropForeignKeys(ctx, tx, table)
			if err != nil {
				return err
			}
			restore = append(restore, adds...)
		}
		// The links, generated again rather than kept: a million people's
		// tags would hold a few hundred megabytes.
		i, p = -1, Person{}
		k := 0
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"person_tags"}, []string{"person_id", "tag_id"}, pgx.CopyFromFunc(func() ([]any, error) {
			for k >= len(p.Tags) {
				if i++; i == n {
					return nil, nil
				}
				p, k = Generate(seed, i), 0
			}
			k++
			res.TagLinks++
			return []any{res.FirstID + int64(i), tagIDs[p.Tags[k-1]]}, nil
		})); err != nil {
			return err
		}
		c := -1
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"person_consents"}, consentColumns, pgx.CopyFromFunc(func() ([]any, error) {
			if c++; c == len(consents) {
				return nil, nil
			}
			return newsConsent(consents[c].id, consents[c].at), nil
		})); err != nil {
			return err
		}
		for _, q := range restore {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		if errors.Is(err, ErrSeeded) {
			return Result{}, err
		}
		return Result{}, fmt.Errorf("peopleseed: unable to seed: %w", err)
	}
	// So does its vacuum, on this connection alone: VACUUM cannot run in a
	// transaction, where SET LOCAL would end with it.
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "RESET statement_timeout") }()
	for _, q := range []string{"SET statement_timeout = 0", "VACUUM (ANALYZE) people, person_tags, tags, person_consents"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return res, fmt.Errorf("peopleseed: unable to vacuum: %w", err)
		}
	}
	return res, nil
}

// dropForeignKeys drops the foreign keys of table, in tx, and returns the
// statements that add them again.
func dropForeignKeys(ctx context.Context, tx pgx.Tx, table string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`, table)
	if err != nil {
		return nil, err
	}
	type fk struct{ name, def string }
	fks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (fk, error) {
		var f fk
		return f, r.Scan(&f.name, &f.def)
	})
	if err != nil {
		return nil, err
	}
	adds := make([]string, 0, len(fks))
	for _, f := range fks {
		alter := "ALTER TABLE " + pgx.Identifier{table}.Sanitize() + " "
		if _, err := tx.Exec(ctx, alter+"DROP CONSTRAINT "+pgx.Identifier{f.name}.Sanitize()); err != nil {
			return nil, err
		}
		adds = append(adds, alter+"ADD CONSTRAINT "+pgx.Identifier{f.name}.Sanitize()+" "+f.def)
	}
	return adds, nil
}

// sqliteBatch is the rows of one INSERT on SQLite: 18 columns × 500 rows
// stay under its 32,766 parameters.
const sqliteBatch = 500

func seedSQLite(ctx context.Context, db *gorm.DB, seed int64, n int) (Result, error) {
	res := Result{People: n}
	err := database.Tx(ctx, db, func(tx *gorm.DB) error {
		var exists int64
		if err := tx.Raw("SELECT count(*) FROM people WHERE email = ?", Email(seed, 0)).Scan(&exists).Error; err != nil {
			return err
		}
		if exists > 0 {
			return ErrSeeded
		}
		// AUTOINCREMENT never hands out an id again, even of a person
		// erased: start after the highest it gave.
		err := tx.Raw(`SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'people'), 0),
			COALESCE((SELECT MAX(id) FROM people), 0)) + 1`).Scan(&res.FirstID).Error
		if err != nil {
			return err
		}
		tagIDs, err := people.EnsureTags(tx, themeNames())
		if err != nil {
			return err
		}
		personRow := "(" + strings.TrimSuffix(strings.Repeat("?,", len(personColumns)), ",") + ")"
		insertPeople := "INSERT INTO people (" + strings.Join(personColumns, ", ") + ") VALUES "
		consentRow := "(" + strings.TrimSuffix(strings.Repeat("?,", len(consentColumns)), ",") + ")"
		insertConsents := "INSERT INTO person_consents (" + strings.Join(consentColumns, ", ") + ") VALUES "
		var args, links, consents []any
		flush := func(rows int) error {
			if rows > 0 {
				if err := tx.Exec(insertPeople+strings.TrimSuffix(strings.Repeat(personRow+",", rows), ","), args...).Error; err != nil {
					return err
				}
			}
			if len(links) > 0 {
				if err := tx.Exec("INSERT INTO person_tags (person_id, tag_id) VALUES "+
					strings.TrimSuffix(strings.Repeat("(?,?),", len(links)/2), ","), links...).Error; err != nil {
					return err
				}
			}
			if len(consents) > 0 {
				if err := tx.Exec(insertConsents+strings.TrimSuffix(strings.Repeat(consentRow+",", len(consents)/len(consentColumns)), ","),
					consents...).Error; err != nil {
					return err
				}
			}
			args, links, consents = args[:0], links[:0], consents[:0]
			return nil
		}
		rows := 0
		for i := range n {
			p := Generate(seed, i)
			id := res.FirstID + int64(i)
			args = append(args, values(&p, id)...)
			for _, t := range p.Tags {
				links = append(links, id, tagIDs[t])
			}
			res.TagLinks += len(p.Tags)
			if p.NewsAt != nil {
				consents = append(consents, newsConsent(id, *p.NewsAt)...)
				res.News++
			}
			if rows++; rows == sqliteBatch {
				if err := flush(rows); err != nil {
					return err
				}
				rows = 0
			}
		}
		return flush(rows)
	})
	if err != nil {
		if errors.Is(err, ErrSeeded) {
			return Result{}, err
		}
		return Result{}, fmt.Errorf("peopleseed: unable to seed: %w", err)
	}
	return res, nil
}
