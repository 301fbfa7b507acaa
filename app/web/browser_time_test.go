package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/activities"
)

// zavkhanDayCamp publishes a day camp in Zavkhan from 09:00 to 17:00 on its
// clocks (UTC+8: 01:00 to 09:00 UTC), some forty days ahead.
func (e *env) zavkhanDayCamp(slug string) *activities.Activity {
	e.t.Helper()
	day := time.Now().UTC().AddDate(0, 0, 40)
	starts := time.Date(day.Year(), day.Month(), day.Day(), 1, 0, 0, 0, time.UTC)
	in := activities.Input{Slug: &slug, Kind: ptrTo(activities.KindCamp), Capacity: ptrTo(10), Region: ptrTo("MN-057"),
		Venue: ptrTo("Uliastai"), StartsAt: &starts, EndsAt: ptrTo(starts.Add(8 * time.Hour)),
		Title: map[string]string{"en": "Zavkhan day camp"}}
	ctx := context.Background()
	a, err := e.srv.Activities.Create(ctx, 0, in)
	if err != nil {
		e.t.Fatal(err)
	}
	if a, err = e.srv.Activities.SetStatus(ctx, 0, a.ID, activities.StatusPublished); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// TestBrowserTimesAgree: on a phone, the page of a Zavkhan camp shows
// 09:00 to 17:00 with the zone named, the email of the place says the same,
// and the calendar file carries the instants, 01:00 to 09:00 UTC.
func TestBrowserTimesAgree(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "oyuka@example.org"
		camp := e.zavkhanDayCamp("zavkhan-day")
		if camp.Timezone != "Asia/Ulaanbaatar" {
			t.Fatalf("Zavkhan's zone: %q", camp.Timezone)
		}
		en := catalog(t).Localizer("en")
		span := camp.Span(en)
		if !strings.Contains(span, "09:00 – 17:00 (Ulaanbaatar time)") {
			t.Fatalf("the span reads %q", span)
		}
		base := e.listen()
		ctx := newBrowser(t)

		browse(ctx, t, "open the camp", phoneViewport(), chromedp.Navigate(base+"/activities/zavkhan-day?lang=en"))
		waitFor(ctx, t, "#activity-when to show "+span, chromedp.Text(chromedp.CSS("#activity-when")),
			func(s string) bool { return s == span })
		fitsPhone(ctx, t, "the camp's page")

		browse(ctx, t, "follow #register-link", chromedp.Click(chromedp.CSS("#register-link")))
		waitPath(ctx, t, "/activities/zavkhan-day/register")
		waitFor(ctx, t, "the form's #activity-when", chromedp.Text(chromedp.CSS("#activity-when")),
			func(s string) bool { return s == span })
		fillRegistration(ctx, t, "Oyuka", email, "rural")
		confirmFromMail(ctx, t, e, base, email)
		waitFor(ctx, t, "#registration-when to show "+span, chromedp.Text(chromedp.CSS("#registration-when")),
			func(s string) bool { return s == span })

		// The email of the place: the same day and times, the zone named.
		placed := e.lastMail(email)
		if want := en.T("notice_line_when", "Date", span); !strings.Contains(placed.Text, want) {
			t.Fatalf("the email lacks %q:\n%s", want, placed.Text)
		}
		// The calendar file: the instants, in UTC.
		ics := e.client().get("/activities/zavkhan-day.ics").Body
		wantStart := "DTSTART:" + camp.StartsAt.UTC().Format("20060102") + "T010000Z"
		wantEnd := "DTEND:" + camp.StartsAt.UTC().Format("20060102") + "T090000Z"
		if !strings.Contains(ics, wantStart) || !strings.Contains(ics, wantEnd) {
			t.Fatalf("the calendar lacks %s and %s:\n%s", wantStart, wantEnd, ics)
		}
	})
}
