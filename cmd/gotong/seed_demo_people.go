package main

import (
	"errors"
	"fmt"

	"github.com/gotong/gotong/app"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/people"
)

// demoPeople are supporters for the people pages: names in the four
// languages, rural and urban, volunteers or not, with the themes they
// follow. Their emails are under the reserved example.org domain.
var demoPeople = []people.Input{
	{GivenName: "Сараа", FamilyName: "Болд", Email: "saraa.bold@example.org", BirthYear: ptr(2004), Region: "MN-057", Locality: people.Rural, Locale: "mn", Handle: "@saraa_b", Volunteer: true, Tags: []string{"privacy", "lgbti-rights"}},
	{GivenName: "Батбаяр", FamilyName: "Дорж", Email: "batbayar@example.org", BirthYear: ptr(1999), Region: "MN-1", Locality: people.Urban, Locale: "mn", Tags: []string{"climate"}},
	{GivenName: "Оюунчимэг", FamilyName: "Ганбаатар", Email: "oyunchimeg@example.org", BirthYear: ptr(2006), Region: "MN-073", Locality: people.Rural, Locale: "mn", Volunteer: true, Tags: []string{"privacy", "freedom-of-expression"}},
	{GivenName: "Dewi", FamilyName: "Lestari", Email: "dewi.lestari@example.org", BirthYear: ptr(2003), Region: "ID-JB", Locality: people.Rural, Locale: "id", Handle: "@dewi_l", Volunteer: true, Tags: []string{"privacy", "climate"}},
	{GivenName: "Putu", FamilyName: "Ayu", Email: "putu.ayu@example.org", BirthYear: ptr(2001), Region: "ID-BA", Locality: people.Urban, Locale: "id", Volunteer: true, Tags: []string{"lgbti-rights"}},
	{GivenName: "Rizky", FamilyName: "Pratama", Email: "rizky@example.org", BirthYear: ptr(2005), Region: "ID-JT", Locality: people.Rural, Locale: "id", Tags: []string{"freedom-of-expression"}},
	{GivenName: "Camille", FamilyName: "Martin", Email: "camille.martin@example.org", BirthYear: ptr(2000), Region: "FR-IDF", Locality: people.Urban, Locale: "fr", Volunteer: true, Tags: []string{"lgbti-rights", "privacy"}},
	{GivenName: "Léa", FamilyName: "Dubois", Email: "lea.dubois@example.org", BirthYear: ptr(2007), Region: "FR-BRE", Locality: people.Rural, Locale: "fr", Volunteer: true, Tags: []string{"climate"}},
	{GivenName: "Hugo", FamilyName: "Bernard", Email: "hugo.bernard@example.org", BirthYear: ptr(1998), Region: "FR-ARA", Locality: people.Urban, Locale: "fr", Tags: []string{"privacy"}},
	{GivenName: "Alex", FamilyName: "Morgan", Email: "alex.morgan@example.org", BirthYear: ptr(2002), Locality: people.Urban, Locale: "en", Handle: "@alexm", Volunteer: true, Tags: []string{"freedom-of-expression", "privacy"}},
	{GivenName: "Sam", FamilyName: "Taylor", Email: "sam.taylor@example.org", BirthYear: ptr(2006), Locality: people.Rural, Locale: "en", Tags: []string{"climate", "lgbti-rights"}},
	{GivenName: "Jordan", FamilyName: "Lee", Email: "jordan.lee@example.org", Locale: "en", Volunteer: true, Tags: []string{"privacy"}},
}

// demoSegment is a saved segment of the demo: rural volunteers interested
// in privacy.
const demoSegment, demoSegmentQuery = "Rural privacy volunteers", "locality=rural&tag=privacy&volunteer=true"

// seedDemoPeople adds the demo people who are missing, and the demo segment.
func (c *cli) seedDemoPeople(a *app.App) error {
	store := a.People
	added := 0
	for _, in := range demoPeople {
		in.Tags = append([]string(nil), in.Tags...)
		if _, err := store.Create(c.ctx, 0, in, true, false); err != nil {
			var ae *apperr.Error
			if errors.As(err, &ae) && ae.Kind == apperr.Conflict {
				continue // there already
			}
			return err
		}
		added++
	}
	state := "all there"
	if added > 0 {
		state = fmt.Sprintf("%d added", added)
	}
	fmt.Fprintf(c.stdout, "  %-12s %-30s %s\n", "people", fmt.Sprintf("%d demo people", len(demoPeople)), state)
	if _, err := a.Segments.Save(c.ctx, 0, demoSegment, demoSegmentQuery); err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Kind != apperr.Conflict {
			return err
		}
	}
	return nil
}
