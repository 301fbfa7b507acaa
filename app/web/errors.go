package web

import (
	"errors"

	"github.com/gotong/gotong/app/web/request"
	"github.com/gotong/gotong/app/web/ui"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
)

// retryAfter is the Retry-After of an answer that the database's absence
// stopped, in seconds: a restart or a failover of PostgreSQL takes a few.
const retryAfter = "5"

// handleError is the one place where errors become responses: domain errors
// by kind, Fiber's by status, a statement stopped at the request's deadline
// or the database's statement_timeout a 503, the database away (a lost
// connection, none to be had) a 503 with Retry-After, anything else a
// logged 500; none shows anything of its cause.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	var msg apperr.Msg
	var fields map[string]apperr.Msg
	var ae *apperr.Error
	var fe *fiber.Error
	if !errors.As(err, &ae) {
		// Both are the database's state, not a fault of ours: warnings.
		switch {
		case database.Interrupted(err):
			s.Log.Warn("request stopped", "err", err, "method", c.Method(), "route", c.Route().Path,
				"request_id", c.GetRespHeader(fiber.HeaderXRequestID))
			err = apperr.ErrTimeout
		case database.Lost(err):
			s.Log.Warn("database unreachable", "err", err, "method", c.Method(), "route", c.Route().Path,
				"request_id", c.GetRespHeader(fiber.HeaderXRequestID))
			err = apperr.ErrUnreachable
		}
	}
	switch {
	case errors.As(err, &ae):
		status, msg, fields = request.StatusOf[ae.Kind], ae.Message, ae.Fields
		if ae.Kind == apperr.Unreachable {
			c.Set(fiber.HeaderRetryAfter, retryAfter)
		}
	case errors.As(err, &fe):
		status = fe.Code
	default:
		s.Log.Error("server error", "err", err, "method", c.Method(), "route", c.Route().Path,
			"request_id", c.GetRespHeader(fiber.HeaderXRequestID))
	}
	codes, ok := request.ErrorCodes[status]
	if !ok {
		codes = request.ErrorCodes[fiber.StatusBadRequest]
		if status >= 500 {
			codes = request.ErrorCodes[fiber.StatusInternalServerError]
		}
	}
	if msg.ID == "" {
		msg.ID = codes.Msg
	}
	l := s.Localizer(c)
	text := l.T(msg.ID, msg.Args...)
	c.Status(status)
	if request.IsAPI(c) {
		body := request.APIError{Error: request.APIErrorBody{Code: codes.Code, Message: text}}
		if len(fields) > 0 {
			body.Error.Fields = make(map[string]string, len(fields))
			for k, m := range fields {
				body.Error.Fields[k] = l.T(m.ID, m.Args...)
			}
		}
		return c.JSON(body)
	}
	p := s.Page(c, "error_title", map[string]any{"Status": status})
	p.ErrorMsg = text
	if rerr := s.Render(c, status, ui.ErrorPage, p); rerr != nil {
		s.Log.Error("error page failed", "err", rerr)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.SendString(text)
	}
	return nil
}
