package database

import "testing"

func TestPostgresDSN(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"postgres://u@h/db", "postgres://u@h/db?plan_cache_mode=force_custom_plan&statement_timeout=30s"},
		{"postgresql://u@h/db?sslmode=disable", "postgresql://u@h/db?sslmode=disable&plan_cache_mode=force_custom_plan&statement_timeout=30s"},
		{"host=h dbname=db", "host=h dbname=db plan_cache_mode=force_custom_plan statement_timeout=30s"},
		{"postgres://u@h/db?plan_cache_mode=auto", "postgres://u@h/db?plan_cache_mode=auto&statement_timeout=30s"},
		{"postgres://u@h/db?statement_timeout=0", "postgres://u@h/db?statement_timeout=0&plan_cache_mode=force_custom_plan"},
		{"host=h statement_timeout=5min", "host=h statement_timeout=5min plan_cache_mode=force_custom_plan"},
	} {
		if got := postgresDSN(tc.in); got != tc.want {
			t.Errorf("postgresDSN(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
