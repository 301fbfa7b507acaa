package slug

import (
	"strings"
	"testing"
)

func TestMake(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Summer camp 2027":              "summer-camp-2027",
		"Зуны зуслан":                   "zuny-zuslan",
		"Atelier « bien-être » !":       "atelier-bien-etre",
		"  --  ":                        "",
		"Hak asasi manusia & kaum muda": "hak-asasi-manusia-kaum-muda",
	} {
		if got := Make(in); got != want {
			t.Errorf("Make(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"free-them":                   true,
		"a":                           true,
		"2027":                        true,
		strings.Repeat("a", MaxLen):   true,
		strings.Repeat("a", MaxLen+1): false,
		"":                            false,
		"Free-them":                   false,
		"free them":                   false,
		"free_them":                   false,
		"-free":                       false,
		"free-":                       false,
		"free--them":                  false,
		"libérez":                     false,
		"../etc":                      false,
	} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %v, want %v", s, got, want)
		}
	}
}
