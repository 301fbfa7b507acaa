package request

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/rights"
)

// PathID reads a positive integer id from the path; anything else names
// nothing, so it is a 404.
func PathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// ActorID is the current user's id, or 0 for nobody.
func ActorID(c *fiber.Ctx) int64 {
	if u := CurrentUser(c); u != nil {
		return u.ID
	}
	return 0
}

// OneOf reports whether v is one of allowed.
func OneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// DecodeJSON reads a JSON body strictly: a body that is not JSON, has
// unknown fields or trailing data is a 400.
func DecodeJSON(c *fiber.Ctx, v any) error {
	if ct := c.Get(fiber.HeaderContentType); ct != "" && !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return apperr.New(apperr.Malformed, "error_json_content_type")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.New(apperr.Malformed, "error_json_malformed")
	}
	if dec.More() {
		return apperr.New(apperr.Malformed, "error_json_malformed")
	}
	return nil
}

// ImportOptions reads the options of an import: on_duplicate (skip, the
// default, or update) and all_or_nothing (false or true).
func ImportOptions(onDuplicate, allOrNothing string) (people.ImportOptions, apperr.Fields) {
	var opts people.ImportOptions
	f := apperr.Fields{}
	switch onDuplicate {
	case "", "skip":
	case "update":
		opts.Update = true
	default:
		f.Add("on_duplicate", "import_error_on_duplicate")
	}
	switch allOrNothing {
	case "", "false":
	case "true":
		opts.AllOrNothing = true
	default:
		f.Add("all_or_nothing", "import_error_all_or_nothing")
	}
	return opts, f
}

// SendExport answers an export as JSON that no cache keeps; download makes
// it a file named name.
func SendExport(c *fiber.Ctx, x *rights.Export, download bool, name string) error {
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	if download {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	}
	return c.Send(b)
}

// PersonParam reads the :id of a person; anything but a positive number is
// a person that does not exist.
func PersonParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}
