package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
)

// statusOf maps a domain error kind to its HTTP status.
var statusOf = map[apperr.Kind]int{
	apperr.Malformed:    fiber.StatusBadRequest,
	apperr.Invalid:      fiber.StatusUnprocessableEntity,
	apperr.NotFound:     fiber.StatusNotFound,
	apperr.Conflict:     fiber.StatusConflict,
	apperr.Forbidden:    fiber.StatusForbidden,
	apperr.Unauthorized: fiber.StatusUnauthorized,
	apperr.Unavailable:  fiber.StatusServiceUnavailable,
}

// errorCodes are the API's error codes and the generic message of each status.
var errorCodes = map[int]struct{ code, msg string }{
	fiber.StatusBadRequest:            {"bad_request", "error_bad_request"},
	fiber.StatusUnauthorized:          {"unauthorized", "error_unauthorized"},
	fiber.StatusForbidden:             {"forbidden", "error_forbidden"},
	fiber.StatusNotFound:              {"not_found", "error_not_found"},
	fiber.StatusMethodNotAllowed:      {"method_not_allowed", "error_method_not_allowed"},
	fiber.StatusConflict:              {"conflict", "error_conflict"},
	fiber.StatusRequestEntityTooLarge: {"too_large", "error_too_large"},
	fiber.StatusUnsupportedMediaType:  {"unsupported_media_type", "error_encoded_body"}, // only for a Content-Encoding
	fiber.StatusUnprocessableEntity:   {"validation_failed", "error_validation"},
	fiber.StatusTooManyRequests:       {"too_many_requests", "error_too_many_requests"},
	fiber.StatusInternalServerError:   {"internal", "error_internal"},
	fiber.StatusServiceUnavailable:    {"unavailable", "error_timeout"},
}

// apiError is the body of every API error (API.md).
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// handleError is the one place where errors become responses: domain errors
// by kind, Fiber's by status, a statement stopped at the request's deadline
// or the database's statement_timeout a 503, anything else a logged 500;
// none shows anything of its cause.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	var msg apperr.Msg
	var fields map[string]apperr.Msg
	var ae *apperr.Error
	var fe *fiber.Error
	if !errors.As(err, &ae) && database.Interrupted(err) {
		s.log.Warn("request stopped", "err", err, "method", c.Method(), "path", c.Path(),
			"request_id", c.GetRespHeader(fiber.HeaderXRequestID))
		err = apperr.ErrTimeout
	}
	switch {
	case errors.As(err, &ae):
		status, msg, fields = statusOf[ae.Kind], ae.Message, ae.Fields
	case errors.As(err, &fe):
		status = fe.Code
	default:
		s.log.Error("server error", "err", err, "method", c.Method(), "route", c.Route().Path,
			"request_id", c.GetRespHeader(fiber.HeaderXRequestID))
	}
	codes, ok := errorCodes[status]
	if !ok {
		codes = errorCodes[fiber.StatusBadRequest]
		if status >= 500 {
			codes = errorCodes[fiber.StatusInternalServerError]
		}
	}
	if msg.ID == "" {
		msg.ID = codes.msg
	}
	l := s.localizer(c)
	text := l.T(msg.ID, msg.Args...)
	c.Status(status)
	if isAPI(c) {
		body := apiError{Error: apiErrorBody{Code: codes.code, Message: text}}
		if len(fields) > 0 {
			body.Error.Fields = make(map[string]string, len(fields))
			for k, m := range fields {
				body.Error.Fields[k] = l.T(m.ID, m.Args...)
			}
		}
		return c.JSON(body)
	}
	p := s.page(c, "error_title", map[string]any{"Status": status})
	p.ErrorMsg = text
	if rerr := c.Render(tplError, p); rerr != nil {
		s.log.Error("error page failed", "err", rerr)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.SendString(text)
	}
	return nil
}
