package web

import (
	"bytes"
	"context"
	"log/slog"

	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/outbox"
)

// sendMailings runs the mailings worker that gotong serve runs, without a
// rate limit to speak of, against e.mailbox() until no message of a sending
// mailing is left to go now. A message the worker cannot send fails the
// test.
func (e *env) sendMailings() {
	e.t.Helper()
	sender, err := outbox.NewSMTPSender(e.mailbox().URL())
	if err != nil {
		e.t.Fatal(err)
	}
	var log bytes.Buffer
	w := &mailings.Worker{Service: e.srv.App.Mailings, Sender: sender, Node: "test", Rate: 10_000,
		Log: slog.New(slog.NewTextHandler(&log, nil))}
	defer w.Close()
	for idle := 0; idle < 2; {
		sent, failed, err := w.RunOnce(context.Background())
		if err != nil || failed > 0 {
			e.t.Fatalf("sendMailings: %d sent, %d failed: %v\n%s", sent, failed, err, log.String())
		}
		if sent == 0 {
			idle++ // a batch of skipped recipients sends none; the next round finishes the mailing
		} else {
			idle = 0
		}
	}
}
