package regions

import (
	"cmp"
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// SortByName orders rs by their names in lang as that language orders words
// (Unicode collation: "Île-de-France" among the I, "Өмнөговь" after
// "Орхон"), then by code where two names are equal. A reader looks for a
// region by its name, never by its ISO code.
func SortByName(rs []Region, lang string) {
	c := collate.New(language.Make(lang)) // a Collator is not safe for concurrent use: one per call
	slices.SortStableFunc(rs, func(a, b Region) int {
		if n := c.CompareString(a.Name(lang), b.Name(lang)); n != 0 {
			return n
		}
		return cmp.Compare(a.Code, b.Code)
	})
}
