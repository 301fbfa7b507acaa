package segments

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/csvout"
)

// ExportHeader names the columns of an export, in order. Sensitive
// attributes are never among them.
var ExportHeader = []string{"id", "given_name", "family_name", "email", "phone", "birth_year", "region", "locality",
	"locale", "handle", "volunteer", "tags"}

// Columns are more columns of an export: their names, and their cells for
// a page of people, by person id (a person absent gets empty cells).
type Columns struct {
	Header []string
	Cells  func(ctx context.Context, ids []int64) (map[int64][]string, error)
}

// Export writes the segment to w as CSV with a header row, a page at a
// time, and returns how many people it wrote; csvout keeps its cells from
// being read as formulas.
func (s *Store) Export(ctx context.Context, f Filter, today civil.Date, w io.Writer) (int, error) {
	return s.ExportWith(ctx, f, today, w, nil)
}

// ExportWith is Export with more columns after ExportHeader's, when extra
// is not nil.
func (s *Store) ExportWith(ctx context.Context, f Filter, today civil.Date, w io.Writer, extra *Columns) (int, error) {
	cw := csvout.NewWriter(w)
	header := ExportHeader
	if extra != nil {
		header = append(slices.Clone(ExportHeader), extra.Header...)
	}
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	n := 0
	for after := int64(0); ; {
		page, err := s.List(ctx, f, today, after, MaxPage)
		if err != nil {
			return n, err
		}
		var more map[int64][]string
		if extra != nil {
			ids := make([]int64, len(page.People))
			for i := range page.People {
				ids[i] = page.People[i].ID
			}
			if more, err = extra.Cells(ctx, ids); err != nil {
				return n, err
			}
		}
		for _, p := range page.People {
			email, year := "", ""
			if p.Email != nil {
				email = *p.Email
			}
			if p.BirthYear != nil {
				year = strconv.Itoa(*p.BirthYear)
			}
			row := []string{strconv.FormatInt(p.ID, 10), p.GivenName, p.FamilyName, email, p.Phone, year, p.Region,
				p.Locality, p.Locale, p.Handle, strconv.FormatBool(p.Volunteer), strings.Join(page.Tags[p.ID], ";")}
			if extra != nil {
				cells := make([]string, len(extra.Header))
				copy(cells, more[p.ID])
				row = append(row, cells...)
			}
			if err := cw.Write(row); err != nil {
				return n, err
			}
			n++
		}
		if page.Next == 0 {
			break
		}
		after = page.Next
	}
	return n, cw.Flush()
}
