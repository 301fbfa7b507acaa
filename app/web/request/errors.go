package request

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
)

// ErrorCodes are the API's error codes and the generic message of each status.
var ErrorCodes = map[int]struct{ Code, Msg string }{
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

// APIError is the body of every API error (API.md).
type APIError struct {
	Error APIErrorBody `json:"error"`
}

// APIErrorBody is what an API error says.
type APIErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// StatusOf maps a domain error kind to its HTTP status.
var StatusOf = map[apperr.Kind]int{
	apperr.Malformed:    fiber.StatusBadRequest,
	apperr.Invalid:      fiber.StatusUnprocessableEntity,
	apperr.NotFound:     fiber.StatusNotFound,
	apperr.Conflict:     fiber.StatusConflict,
	apperr.Forbidden:    fiber.StatusForbidden,
	apperr.Unauthorized: fiber.StatusUnauthorized,
	apperr.Unavailable:  fiber.StatusServiceUnavailable,
	apperr.Unreachable:  fiber.StatusServiceUnavailable,
}
