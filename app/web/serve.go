package web

import (
	"context"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Serve answers on ln until ctx is done, then stops taking connections and
// lets in-flight requests finish for up to grace.
func Serve(ctx context.Context, app *fiber.App, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if err := app.ShutdownWithTimeout(grace); err != nil {
		return err
	}
	return <-errc
}
