// Command hello is the baseline of `make bench`: the smallest Fiber v2
// server, answering GET / with "Hello, World!". Gotong's figures are read as
// ratios to what this program does on the same machine in the same run.
package main

import (
	"flag"
	"log"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	flag.Parse()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error {
		return c.SendString("Hello, World!")
	})
	log.Fatal(app.Listen(*addr))
}
