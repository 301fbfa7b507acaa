package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/gotong/gotong/app/peopleseed"
)

// seedPeople adds --count made-up people of --seed to the database, for
// load tests: on top of the people there, never the same seed twice.
func (c *cli) seedPeople(args []string) error {
	fs := flags("seed people")
	count := fs.Int("count", 0, "how many people")
	seed := fs.Int64("seed", 1, "the seed: the same seed gives the same people")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *count < 1 || *count > peopleseed.MaxCount {
		return usagef("seed people: --count must be between 1 and %d", peopleseed.MaxCount)
	}
	if *seed < 0 {
		return usagef("seed people: --seed must not be negative")
	}
	a, err := c.open()
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := peopleseed.Seed(c.ctx, a.DB, *seed, *count)
	if errors.Is(err, peopleseed.ErrSeeded) {
		return fmt.Errorf("seed people: the people of seed %d are already there; choose another --seed", *seed)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "seeded %d people (seed %d, ids %d to %d) with %d tags and %d consents to news in %s\n",
		res.People, *seed, res.FirstID, res.FirstID+int64(res.People)-1, res.TagLinks, res.News, res.Took.Round(100*time.Millisecond))
	return nil
}
