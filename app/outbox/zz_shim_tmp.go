package outbox

import "context"

type Session interface {
	Send(ctx context.Context, m Message) error
	Close() error
}
type SessionSender interface {
	Sender
	Open(ctx context.Context) (Session, error)
}

func WithoutAddresses(s string) string { return withoutAddresses(s) }
