package people_test

import (
	"slices"
	"testing"

	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
)

// TestQuotaPerson holds the localities and declarations of this package to
// what the quota registry reads of them: a rural locality qualifies for the
// rural quota, and each declared flag reaches the quotas.
func TestQuotaPerson(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		locality string
		s        people.Sensitive
		want     quota.Person
		qualify  []quota.Attribute
	}{
		{people.Urban, people.Sensitive{}, quota.Person{Locality: people.Urban}, nil},
		{people.Rural, people.Sensitive{}, quota.Person{Locality: people.Rural}, []quota.Attribute{quota.Rural}},
		{people.Urban, people.Sensitive{Disability: &yes, Minority: &no, LGBTI: &yes},
			quota.Person{Locality: people.Urban, Disability: true, LGBTI: true}, []quota.Attribute{quota.Disability}},
		{people.Rural, people.Sensitive{Disability: &no, Minority: &yes},
			quota.Person{Locality: people.Rural, Minority: true}, []quota.Attribute{quota.Rural, quota.Minority}},
	}
	for _, tt := range tests {
		got := people.QuotaPerson(tt.locality, tt.s)
		if got != tt.want {
			t.Errorf("QuotaPerson(%s, %+v) = %+v, want %+v", tt.locality, tt.s, got, tt.want)
		}
		if q := quota.Qualifying(got); !slices.Equal(q, tt.qualify) {
			t.Errorf("%+v qualifies for %v, want %v", got, q, tt.qualify)
		}
	}
}
