package shop

import (
	"errors"
	"testing"
)

// The base URL is what every printed QR code starts with: a value a phone
// cannot open is refused by name, and a good one is kept in one form.
func TestBaseURLIsCheckedAndNormalised(t *testing.T) {
	cases := []struct {
		in, want string
		refused  bool
	}{
		{"", "", false},
		{"http://192.168.1.20:8080", "http://192.168.1.20:8080", false},
		{"http://192.168.1.20:8080/", "http://192.168.1.20:8080", false},
		{"HTTPS://Shop.Example.cn/", "https://Shop.Example.cn", false},
		{"http://[fe80::1]:8080", "http://[fe80::1]:8080", false},
		{"http://localhost:8080http://192.168.1.20:8080", "", true},
		{"http://localhost:8080/http://192.168.1.20:8080", "", true},
		{"http://192.168.1.20:8080/desk", "", true},
		{"http://192.168.1.20:8080/?a=1", "", true},
		{"http://192.168.1.20:8080/#top", "", true},
		{"http://192.168.1.20:8080?", "", true},
		{"192.168.1.20:8080", "", true},
		{"ftp://192.168.1.20", "", true},
		{"http://", "", true},
		{"http:///desk", "", true},
		{"http://192.168.1.20:99999", "", true},
		{"http://192.168.1.20:", "", true},
		{"http://user:pw@192.168.1.20", "", true},
		{" http://192.168.1.20", "", true},
		{"http://shop host", "", true},
		{"http://shop_host", "", true},
	}
	for _, c := range cases {
		f := newFixture(t)
		s := DefaultSettings()
		s.BaseURL = c.in
		err := f.apply(system, &SetSettings{Settings: s})
		var e *Error
		switch {
		case c.refused && (!errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "settings.base_url"):
			t.Errorf("%q: err = %v, want a settings.base_url field error", c.in, err)
		case c.refused && f.state.Settings.BaseURL != "":
			t.Errorf("%q: a refused base URL changed the settings to %q", c.in, f.state.Settings.BaseURL)
		case !c.refused && err != nil:
			t.Errorf("%q: refused: %v", c.in, err)
		case !c.refused && f.state.Settings.BaseURL != c.want:
			t.Errorf("%q: kept as %q, want %q", c.in, f.state.Settings.BaseURL, c.want)
		}
	}
}

func TestLoopbackBaseURLs(t *testing.T) {
	for url, want := range map[string]bool{
		"http://localhost:8080": true, "http://LOCALHOST": true, "http://127.0.0.1:8080": true,
		"http://127.3.2.1": true, "http://[::1]:8080": true, "http://app.localhost": true,
		"http://192.168.1.20:8080": false, "https://shop.example.cn": false, "http://[fe80::1]": false,
	} {
		if got := IsLoopback(url); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", url, got, want)
		}
	}
}
