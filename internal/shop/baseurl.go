package shop

import (
	"net"
	"net/url"
	"strconv"
	"strings"
)

// baseURLField is the setting the base URL's refusals name.
const baseURLField = "settings.base_url"

// NormalBaseURL checks a base URL as set_settings does and returns it in
// its normal form; ok is false for one set_settings refuses.
func NormalBaseURL(raw string) (normal string, ok bool) {
	var p problems
	normal = checkBaseURL(&p, raw)
	return normal, len(p) == 0
}

// checkBaseURL checks the shop's base URL, the address printed in every
// QR code, and returns it without a trailing slash. Empty is allowed: the
// server then uses the address each request reached it at. A refusal says
// what a person must change.
//
// A phone opens exactly what is printed, so the URL must be the root of a
// web address a phone can reach: http or https, a host, an optional port,
// nothing after the host but "/" (the server's paths follow it), and not
// two addresses pasted one after the other.
func checkBaseURL(p *problems, raw string) string {
	if raw == "" {
		return ""
	}
	if strings.TrimSpace(raw) != raw || strings.ContainsAny(raw, " \t\r\n") {
		p.add(baseURLField, "must not contain spaces")
		return ""
	}
	lower := strings.ToLower(raw)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		p.add(baseURLField, "must start with http:// or https://")
		return ""
	}
	if after := lower[strings.Index(lower, "://")+3:]; strings.Contains(after, "://") || strings.Contains(after, "http:") || strings.Contains(after, "https:") {
		p.add(baseURLField, "holds a second address; keep only one")
		return ""
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Opaque != "":
		p.add(baseURLField, "is not a web address")
	case u.User != nil:
		p.add(baseURLField, "must not hold a user name or password")
	case u.Hostname() == "":
		p.add(baseURLField, "must name a host, such as http://192.168.1.20:8080")
	case !validHost(u.Hostname()):
		p.add(baseURLField, "is not a web address")
	case !validPort(u):
		p.add(baseURLField, "has a port that is not a number from 1 to 65535")
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		p.add(baseURLField, "must end after the host and port, without a path, query or fragment")
	default:
		return strings.ToLower(u.Scheme) + "://" + u.Host
	}
	return ""
}

// validPort accepts no port, or a number from 1 to 65535.
func validPort(u *url.URL) bool {
	port := u.Port()
	if port == "" && !strings.HasSuffix(u.Host, ":") {
		return true
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535
}

// validHost accepts an IP address or a DNS name of letters, digits,
// hyphens and dots.
func validHost(host string) bool {
	if net.ParseIP(host) != nil {
		return true
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// IsLoopback reports whether a base URL names this machine only
// (localhost, 127.x, ::1): a phone that opens it reaches itself.
func IsLoopback(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil {
		return false
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
