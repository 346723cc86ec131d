package web

import (
	"bytes"
	"net"
	"strconv"

	"bayboard/internal/shop"
	"bayboard/kiosk"
	"bayboard/printing"

	"github.com/gofiber/fiber/v2"
)

// PhoneCheckPath is the page the settings' test code opens: the sign-in
// page, which any phone may open without a token, so a phone that shows
// it reaches the server by the address the documents print.
const PhoneCheckPath = "/signin"

// baseURL is the address the QR codes and links made for this request
// start with: the shop's base URL when one is set, else the scheme and
// Host this request reached the server at. For a document printed from
// the desk that is the address the advisor's browser uses, which the
// shop's phones on the same network reach too. Only the Host header the
// server received counts: no X-Forwarded-* header is trusted, as no proxy
// is part of the setup.
func (s *Server) baseURL(c *fiber.Ctx) string {
	// A base URL saved before it was checked may not be one; it is then
	// ignored rather than printed.
	if base, ok := shop.NormalBaseURL(s.eng.State().Settings.BaseURL); ok && base != "" {
		return base
	}
	return requestBase(c)
}

// requestBase is the scheme and Host of the request, or the address it
// arrived at when its Host header is not a host.
func requestBase(c *fiber.Ctx) string {
	scheme := "http"
	if c.Context().IsTLS() {
		scheme = "https"
	}
	if base, ok := shop.NormalBaseURL(scheme + "://" + string(c.Request().Host())); ok && base != "" {
		return base
	}
	return scheme + "://" + hostPort(c.Context().LocalAddr())
}

func hostPort(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok {
		return net.JoinHostPort(tcp.IP.String(), strconv.Itoa(tcp.Port))
	}
	return a.String()
}

// urls builds the QR codes' URLs on this request's base URL.
func (s *Server) urls(c *fiber.Ctx) kiosk.URLs {
	return kiosk.URLs{Base: s.baseURL(c), Tokens: s.tokens}
}

// baseURLView tells a staff page which address the QR codes carry, whether
// the shop set it, and whether it is this machine's own (loopback), which
// no phone can open.
type baseURLView struct {
	Effective  string `json:"effective"`
	Configured bool   `json:"configured"`
	Loopback   bool   `json:"loopback"`
	// PhoneCheck is the URL the settings page's test code opens.
	PhoneCheck string `json:"phone_check"`
}

func (s *Server) baseURLOf(c *fiber.Ctx) baseURLView {
	base := s.baseURL(c)
	configured, ok := shop.NormalBaseURL(s.eng.State().Settings.BaseURL)
	return baseURLView{Effective: base, Configured: ok && configured != "",
		Loopback: shop.IsLoopback(base), PhoneCheck: base + PhoneCheckPath}
}

// phoneCheck serves GET /api/v1/settings/phone-check.png: a QR code of the
// page a phone opens on the base URL, to scan with one of the shop's
// phones before printing the bay and badge sheets.
func (s *Server) phoneCheck(c *fiber.Ctx) error {
	var buf bytes.Buffer
	if err := printing.QRPNG(&buf, s.baseURLOf(c).PhoneCheck, 256); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
