package people

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"

	"github.com/gotong/gotong/app/csvout"
)

// listHeaders are first values that name a list's column rather than give
// a value ("email", "Handles", …), compared as AutoField compares.
var listHeaders = map[string]bool{"email": true, "emails": true, "handle": true, "handles": true,
	"value": true, "values": true}

// SplitMatchList reads a list to match (see Store.Match): one value per
// line, or a CSV file whose first column holds them. A value with an @
// after its first character is an email, unless it is a profile link
// (tiktok.com/@name); any other is a social handle; blank
// values are passed over, and so is a first value that names the column
// ("email", "handles"…). A file that is not UTF-8 text is an error naming
// its line, as for an import.
func SplitMatchList(data []byte) (emails, handles []string, err error) {
	data, err = checkText(data)
	if err != nil {
		return nil, nil, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffComma(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	first := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return emails, handles, nil
		}
		if err != nil {
			return nil, nil, csvError(err)
		}
		v := csvout.Unneutralize(strings.TrimSpace(rec[0]))
		if v == "" {
			continue
		}
		if first {
			first = false
			if key := strings.ReplaceAll(strings.ReplaceAll(strings.ToLower(v), "-", ""), " ", ""); listHeaders[key] {
				continue
			}
		}
		if strings.IndexByte(v, '@') > 0 && HandleOfLink(v) == v { // tiktok.com/@name is a handle
			emails = append(emails, v)
		} else {
			handles = append(handles, v)
		}
	}
}
