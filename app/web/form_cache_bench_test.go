package web

import (
	"net"
	"testing"

	"github.com/gotong/gotong/app/testdb"
	"github.com/valyala/fasthttp"
)

// BenchmarkRegisterFormCached is the server's cost of one GET of the
// registration form, through all of its middleware, without a network: a
// hit for a visitor without a cookie (a new token is made and signed, as
// for everyone in a rush), a hit for a visitor whose cookie holds a token
// (checked), and a miss (the page rendered, as it was on every request
// before the form was cached).
//
//	go test -run '^$' -bench RegisterFormCached -benchmem ./app/web/
func BenchmarkRegisterFormCached(b *testing.B) {
	e := newEnv(b, testdb.New(b, testdb.Dialects()[0]))
	e.publishedCamp("rush", 200)
	handler := e.app.Handler()
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	var req fasthttp.Request
	req.SetRequestURI("/activities/rush/register")
	req.SetHost("gotong.test")

	var first fasthttp.RequestCtx
	first.Init(&req, remote, nil)
	handler(&first)
	cookie := first.Response.Header.PeekCookie("gotong_csrf")
	var set fasthttp.Cookie
	if first.Response.StatusCode() != fasthttp.StatusOK || set.ParseBytes(cookie) != nil || len(set.Value()) == 0 {
		b.Fatalf("form: %d, cookie %q", first.Response.StatusCode(), cookie)
	}
	token := string(set.Value())

	for _, bc := range []struct {
		name   string
		cookie bool
		miss   bool
	}{{"hit/new-visitor", false, false}, {"hit/with-cookie", true, false}, {"miss/rendered", false, true}} {
		b.Run(bc.name, func(b *testing.B) {
			var r fasthttp.Request
			req.CopyTo(&r)
			if bc.cookie {
				r.Header.SetCookie("gotong_csrf", token)
			}
			var ctx fasthttp.RequestCtx
			ctx.Init(&r, remote, nil)
			b.ReportAllocs()
			for b.Loop() {
				if bc.miss {
					e.srv.Changes.Pages.Bump()
				}
				r.CopyTo(&ctx.Request)
				ctx.Response.Reset()
				handler(&ctx)
				if ctx.Response.StatusCode() != fasthttp.StatusOK {
					b.Fatalf("status %d", ctx.Response.StatusCode())
				}
			}
		})
	}
}
