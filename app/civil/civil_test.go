package civil_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestParseAndJSON(t *testing.T) {
	t.Parallel()
	d, err := civil.Parse("2027-03-01")
	if err != nil || d != (civil.Date{Year: 2027, Month: time.March, Day: 1}) {
		t.Fatalf("Parse = %v, %v", d, err)
	}
	for _, bad := range []string{"", "2027-02-30", "01/03/2027", "2027-3-1", "2027-03-01T00:00:00Z"} {
		if _, err := civil.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	b, _ := json.Marshal(struct {
		A civil.Date `json:"a"`
		B civil.Date `json:"b"`
	}{A: d})
	if string(b) != `{"a":"2027-03-01","b":null}` {
		t.Fatalf("JSON %s", b)
	}
	var back struct{ A, B civil.Date }
	if err := json.Unmarshal([]byte(`{"A":"2027-03-01","B":null}`), &back); err != nil || back.A != d || !back.B.IsZero() {
		t.Fatalf("Unmarshal = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"A":20270301}`), &back); err == nil {
		t.Error("a number was read as a date")
	}
	if !d.Before(civil.Date{Year: 2027, Month: time.March, Day: 2}) || d.After(d) {
		t.Error("Before/After")
	}
}

// TestStored: a date goes to a date column and back unchanged on both
// databases (a DATE on PostgreSQL, text on SQLite); no date is NULL.
func TestStored(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Now().UTC()
		if err := db.Exec("INSERT INTO partners (id, name, kind, created_at, updated_at) VALUES (1, 'P', 'other', ?, ?)", now, now).Error; err != nil {
			t.Fatal(err)
		}
		d := civil.Date{Year: 2026, Month: time.December, Day: 31}
		for _, v := range []civil.Date{d, {}} {
			if err := db.Exec("DELETE FROM partnerships").Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Exec("INSERT INTO partnerships (partner_id, started_on, updated_at) VALUES (1, ?, ?)", v, now).Error; err != nil {
				t.Fatal(err)
			}
			var back civil.Date
			var isNull bool
			row := db.WithContext(context.Background()).Raw("SELECT started_on, started_on IS NULL FROM partnerships").Row()
			if err := row.Scan(&back, &isNull); err != nil {
				t.Fatal(err)
			}
			if back != v || isNull != v.IsZero() {
				t.Fatalf("stored %v, read back %v (NULL %v)", v, back, isNull)
			}
		}
	})
}
