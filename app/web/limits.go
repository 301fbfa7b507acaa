package web

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gotong/gotong/app/mailaddr"
)

// Public forms are not limited per address: a mobile carrier or a school
// puts hundreds of young people behind one. They are limited per email.
const (
	PublicFormWindow   = time.Hour
	PublicFormPerEmail = 10
)

// publicFormLimit counts every submission of a public form per email
// (case-folded), whether it came from the HTML form or the JSON API.
func (s *Server) publicFormLimit() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:        PublicFormPerEmail,
		Expiration: PublicFormWindow,
		Storage:    s.limits,
		KeyGenerator: func(c *fiber.Ctx) string {
			return "form:email:" + submittedEmail(c)
		},
		// A submission without an email is refused by validation anyway.
		Next:         func(c *fiber.Ctx) bool { return submittedEmail(c) == "" },
		LimitReached: func(c *fiber.Ctx) error { return fiber.ErrTooManyRequests },
	})
}

// submittedEmail finds the email of a form post or of an API body
// ({"email"} or {"person": {"email"}}).
func submittedEmail(c *fiber.Ctx) string {
	if !isAPI(c) {
		return mailaddr.Normalize(c.FormValue("email"))
	}
	var body struct {
		Email  string `json:"email"`
		Person struct {
			Email string `json:"email"`
		} `json:"person"`
	}
	_ = json.Unmarshal(c.Body(), &body)
	if body.Person.Email != "" {
		return mailaddr.Normalize(body.Person.Email)
	}
	return mailaddr.Normalize(body.Email)
}
