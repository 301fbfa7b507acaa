package people_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
)

// importBenchFile is a file of n people, one in ten rejected (a bad birth
// year), with names in the four languages' scripts, tags, and a prefix
// that makes its emails its own.
func importBenchFile(prefix string, n int) []byte {
	names := []string{"Сараа", "Amélie", "Dewi", "Bat-Erdene", "Nomin", "Léa", "Ayu", "Тэмүүлэн"}
	regions := []string{"MN-1", "MN-057", "ID-JB", "FR-IDF", ""}
	var b strings.Builder
	b.WriteString("\uFEFFgiven_name,family_name,email,phone,birth_year,region,locality,locale,handle,volunteer,tags,consent\r\n")
	for i := range n {
		year := 1990 + i%23
		if i%10 == 9 {
			year = 1800
		}
		fmt.Fprintf(&b, "%s,Family %d,%s%d@example.org,+976 99%06d,%d,%s,%s,mn,@h%s%d,%s,privacy;theme%d,yes\r\n",
			names[i%len(names)], i, prefix, i, i, year, regions[i%len(regions)], []string{"urban", "rural"}[i%2], prefix, i,
			[]string{"yes", "no"}[i%5/4], i%20)
	}
	return []byte(b.String())
}

// BenchmarkImport imports 10,000 new people per run (a tenth of them
// rejected), on each test database: the rows per second it reports times
// ten is the pace of the 100,000-row target (under 20 s).
func BenchmarkImport(b *testing.B) {
	const rows = 10000
	for _, dialect := range testdb.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := testdb.New(b, dialect)
			s := people.NewStore(db, nil, clock.System)
			files := make([][]byte, b.N)
			for i := range files {
				files[i] = importBenchFile(fmt.Sprintf("r%d-", i), rows)
			}
			b.SetBytes(int64(len(files[0])))
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				rep, err := s.Import(context.Background(), files[i], people.ImportOptions{})
				if err != nil || rep.Created != rows-rows/10 {
					b.Fatalf("import: %+v %v", rep.Created, err)
				}
			}
			b.ReportMetric(float64(b.N*rows)/time.Since(start).Seconds(), "rows/s")
		})
	}
}
