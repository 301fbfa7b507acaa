package main

import (
	"context"
	"os"
	"strconv"
	"time"

	"github.com/gotong/gotong/app"
	"github.com/gotong/gotong/app/config"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/web"
)

// sender returns the SMTP sender of GOTONG_SMTP_URL, or one that writes
// notices to the log when it is unset.
func (c *cli) sender(cfg config.Config) (outbox.Sender, error) {
	if cfg.SMTPURL == "" {
		return outbox.LogSender{Log: c.log}, nil
	}
	s, err := outbox.NewSMTPSender(cfg.SMTPURL)
	if err != nil {
		return nil, usagef("GOTONG_SMTP_URL: %v", err)
	}
	return s, nil
}

// startWorkers runs the background work of a node until ctx ends: sending
// the outbox; starting and sending mailings; moving waitlists when reserved seats are released or a
// guardian's answer is overdue; reminding participants before the start;
// inviting them to the surveys due;
// sweeping expired sessions and public forms whose link expired; deleting
// the answers to activities' questions past their retention. Each job
// is safe with several nodes running it.
func (c *cli) startWorkers(ctx context.Context, a *app.App, srv *web.Server, sender outbox.Sender) {
	w := &outbox.Worker{DB: a.DB, Sender: sender, Log: c.log}
	go w.Run(ctx, 10*time.Second)
	mw := &mailings.Worker{Service: a.Mailings, Sender: sender, Log: c.log, Node: node(), Rate: float64(a.Config.MailRate)}
	go mw.Run(ctx, 5*time.Second)
	go every(ctx, time.Minute, func() {
		if _, err := a.Registrations.SettleDue(ctx); err != nil && ctx.Err() == nil {
			c.log.Error("settling released seats failed", "err", err)
		}
	})
	go every(ctx, time.Minute, func() {
		if _, err := a.Registrations.ExpireGuardians(ctx); err != nil && ctx.Err() == nil {
			c.log.Error("cancelling places past their guardian's due time failed", "err", err)
		}
		if _, err := a.Registrations.RemindDue(ctx); err != nil && ctx.Err() == nil {
			c.log.Error("queueing reminders failed", "err", err)
		}
		if _, err := a.Surveys.InviteDue(ctx); err != nil && ctx.Err() == nil {
			c.log.Error("queueing survey invitations failed", "err", err)
		}
	})
	go every(ctx, 10*time.Minute, func() {
		srv.Sweep(ctx)
		if _, err := a.Submissions.Purge(ctx); err != nil && ctx.Err() == nil {
			c.log.Error("purging expired forms failed", "err", err)
		}
		if _, err := a.Registrations.PurgeAnswers(ctx); err != nil && ctx.Err() == nil {
			c.log.Error("purging answers past their retention failed", "err", err)
		}
	})
}

// every calls fn each period until ctx ends.
func every(ctx context.Context, period time.Duration, fn func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// node names this process among the nodes that may send mailings: its host
// and process id.
func node() string {
	host, _ := os.Hostname()
	return host + ":" + strconv.Itoa(os.Getpid())
}
