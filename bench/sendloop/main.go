// Command sendloop is the baseline of the mailing benchmark
// (bench/people.sh): it sends count messages as fast as it can through
// app/outbox's SMTPSender, the way mailings.Worker does (over one session
// when the sender offers sessions, else one Send each), with no database
// and no rendering in the loop. It is the ceiling of the server's send.
//
//	sendloop -smtp URL -mailing FILE -count N [-mn-share F] [-base-url URL]
//
// FILE is the mailing as bench/people.sh posts it ({"subject": {"en": …,
// "mn": …}, "body": {…}}). Before the clock starts, the loop writes each
// language's message once as the server writes it for one reader: the given
// name in place, each link through a counted redirect, the footer with an
// unsubscribe link, all of the same lengths as the server's. A share
// mn-share of the messages is in Mongolian, spread evenly, the rest in
// English; each goes to an address of its own with its own List-Unsubscribe.
// It prints one line: messages=N seconds=S rate=R sessions=B cpu=C, C being
// the CPU seconds (user and system) the loop's process used in all.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/locales"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sendloop: "+err.Error())
		os.Exit(1)
	}
}

// names are readers' given names, of a usual length, by language.
var names = map[string]string{"en": "Emma", "mn": "Сараа"}

func run() error {
	smtpURL := flag.String("smtp", "", "the SMTP URL, as GOTONG_SMTP_URL")
	file := flag.String("mailing", "", "the mailing, as posted to /api/v1/mailings")
	count := flag.Int("count", 100000, "messages to send")
	mnShare := flag.Float64("mn-share", 0, "the share of messages in Mongolian")
	baseURL := flag.String("base-url", "http://127.0.0.1:18082", "the server's GOTONG_BASE_URL")
	flag.Parse()
	if *count < 1 || *mnShare < 0 || *mnShare > 1 {
		return errors.New("-count must be positive and -mn-share between 0 and 1")
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	var m struct{ Subject, Body map[string]string }
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	sender, err := outbox.NewSMTPSender(*smtpURL)
	if err != nil {
		return err
	}
	catalog, err := i18n.Load(locales.FS, "en", nil)
	if err != nil {
		return err
	}

	// Everything a message needs is made before the clock starts.
	var key keys.MailingKey // any key makes tokens of the same length
	texts := map[string][2]string{}
	for _, lang := range []string{"en", "mn"} {
		subject, body := m.Subject[lang], m.Body[lang]
		if subject == "" || body == "" {
			return fmt.Errorf("%s: no subject or body in %s", *file, lang)
		}
		links := mailings.Links(body)
		body = mailings.RewriteLinks(mailings.Personalize(body, names[lang]), func(link string) (string, bool) {
			for i, l := range links {
				if l == link {
					return *baseURL + "/c/" + mailings.ClickToken(key, mailings.Click{MailingID: 1, Index: i + 1, Locale: lang}), true
				}
			}
			return "", false
		})
		footer := catalog.Localizer(lang).T("mailing_footer", "URL", *baseURL+"/u/"+mailings.UnsubscribeToken(key, 1))
		texts[lang] = [2]string{mailings.Personalize(subject, names[lang]), body + "\n\n-- \n" + footer + "\n"}
	}
	start := time.Now().UTC()
	msgs := make([]outbox.Message, *count)
	for i := range msgs {
		lang := "en"
		if int(float64(i+1)**mnShare) > int(float64(i)**mnShare) {
			lang = "mn"
		}
		id := int64(i + 1)
		msgs[i] = outbox.Message{ID: id, CreatedAt: start, Kind: "mailing", Locale: lang,
			ToAddress: "loop." + strconv.Itoa(i) + "@example.org", Subject: texts[lang][0], Body: texts[lang][1],
			ListUnsubscribe: *baseURL + "/u/" + mailings.UnsubscribeToken(key, id)}
	}

	ctx := context.Background()
	sessions := 0
	t0 := time.Now()
	if ss, ok := any(sender).(outbox.SessionSender); ok {
		session, err := ss.Open(ctx)
		if err != nil {
			return err
		}
		sessions++
		for i := range msgs {
			if err := session.Send(ctx, msgs[i]); err != nil {
				return fmt.Errorf("message %d: %w", i, err)
			}
		}
		if err := session.Close(); err != nil {
			return err
		}
	} else {
		for i := range msgs {
			if err := sender.Send(ctx, msgs[i]); err != nil {
				return fmt.Errorf("message %d: %w", i, err)
			}
			sessions++
		}
	}
	took := time.Since(t0).Seconds()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return err
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	fmt.Printf("messages=%d seconds=%.3f rate=%.1f sessions=%d cpu=%.2f\n", len(msgs), took, float64(len(msgs))/took, sessions, cpu)
	return nil
}
