package web

import (
	"crypto/tls"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// contentPolicy is the Content-Security-Policy of every answer: scripts,
// styles, fonts and images from this server alone, no inline script, no
// plugin, no <base> and no form sent elsewhere. Every page is plain
// modules and a stylesheet, so nothing here needs loosening; a page that
// sets a style from script does so through the CSSOM, which the policy
// allows. frame-ancestors is added per answer (framePolicy).
const contentPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"

// securityHeaders sets the headers every answer carries, before any
// handler runs, so that an error or a 404 carries them too.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	ancestors := "'none'"
	// A board and the pairing page a new screen shows at its address.
	board := c.Path() == "/board" || strings.HasPrefix(c.Path(), "/board/")
	if board && len(s.opts.FrameBoardsFrom) > 0 {
		ancestors = strings.Join(s.opts.FrameBoardsFrom, " ")
	} else {
		h.Set(fiber.HeaderXFrameOptions, "DENY")
	}
	h.Set(fiber.HeaderContentSecurityPolicy, contentPolicy+"; frame-ancestors "+ancestors)
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	// The kiosk's and customers' addresses hold their token: no address of
	// this server is told to another site, and its own pages need none.
	h.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	if s.overTLS(c) {
		h.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
	return c.Next()
}

// overTLS reports whether the browser reached this server over TLS: served
// with --tls-cert and --tls-key, or behind a proxy that the operator says
// terminates TLS (--behind-tls-proxy). No forwarded header is trusted for it.
func (s *Server) overTLS(c *fiber.Ctx) bool {
	if s.opts.BehindTLSProxy || c.Context().IsTLS() {
		return true
	}
	// The server's own connection wrapper (server.go) hides the TLS
	// connection from fasthttp's check.
	if sc, ok := c.Context().Conn().(*conn); ok {
		_, isTLS := sc.Conn.(*tls.Conn)
		return isTLS
	}
	return false
}

// setCookie sets a cookie, Secure whenever the server is reached over TLS,
// so that a session never travels in the clear once the shop has TLS.
func (s *Server) setCookie(c *fiber.Ctx, ck *fiber.Cookie) {
	ck.Secure = s.overTLS(c)
	c.Cookie(ck)
}

// CheckFrameOrigins checks the origins a shop lets frame its boards: each
// an http or https origin (scheme, host, optional port; no path, query,
// user or wildcard), as CSP's frame-ancestors takes it.
func CheckFrameOrigins(origins []string) error {
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(o, "*; '\"") {
			return fmt.Errorf("%q is not an origin such as https://intranet.example.com", o)
		}
	}
	return nil
}
