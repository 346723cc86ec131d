package shop

import (
	"net"
	"net/url"
	"strconv"
	"strings"
)

// NormalBaseURL checks the shop's base URL, the address printed in every
// QR code, and returns it without a trailing slash. Empty is allowed: the
// server then uses the address each request reached it at. The message,
// when the URL is refused, says what a person must change.
//
// A phone opens exactly what is printed, so the URL must be the root of a
// web address a phone can reach: http or https, a host, an optional port,
// nothing after the host but "/" (the server's paths follow it), and not
// two addresses pasted one after the other.
func NormalBaseURL(raw string) (string, string) {
	if raw == "" {
		return "", ""
	}
	if strings.TrimSpace(raw) != raw || strings.ContainsAny(raw, " \t\r\n") {
		return "", "must not contain spaces"
	}
	lower := strings.ToLower(raw)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return "", "must start with http:// or https://"
	}
	if strings.Count(lower, "://") > 1 || strings.Contains(lower[strings.Index(lower, "://")+3:], "http:") ||
		strings.Contains(lower[strings.Index(lower, "://")+3:], "https:") {
		return "", "holds a second address; keep only one"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return "", "is not a web address"
	}
	if u.User != nil {
		return "", "must not hold a user name or password"
	}
	host := u.Hostname()
	if host == "" {
		return "", "must name a host, such as http://192.168.1.20:8080"
	}
	if !validHost(host) {
		return "", "is not a web address"
	}
	if p := u.Port(); p != "" || strings.HasSuffix(u.Host, ":") {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", "has a port that is not a number from 1 to 65535"
		}
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return "", "must end after the host and port, without a path, query or fragment"
	}
	return strings.ToLower(u.Scheme) + "://" + u.Host, ""
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
