package main

import (
	"net"
	"strings"
	"testing"
)

func ipNet(s string) net.Addr {
	ip, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	n.IP = ip
	return n
}

// The start-up message names the pages on the machine's network addresses,
// from the interfaces it is given: loopback and link-local addresses are
// no use to a phone, and a server listening on one address has only it.
func TestStartUpListsTheLANAddresses(t *testing.T) {
	interfaces := []net.Addr{
		ipNet("127.0.0.1/8"), ipNet("::1/128"), ipNet("fe80::1c2:3ff:fe04:506/64"),
		ipNet("192.168.1.20/24"), ipNet("169.254.10.1/16"), ipNet("2408:8207:1234::20/64"), ipNet("10.8.0.5/24"),
	}
	tcp := func(s string) net.Addr { a, _ := net.ResolveTCPAddr("tcp", s); return a }
	cases := []struct {
		listen string
		want   []string
	}{
		{"[::]:8080", []string{"http://192.168.1.20:8080", "http://10.8.0.5:8080", "http://[2408:8207:1234::20]:8080"}},
		{"0.0.0.0:8080", []string{"http://192.168.1.20:8080", "http://10.8.0.5:8080"}},
		{"192.168.1.20:9000", []string{"http://192.168.1.20:9000"}},
		{"127.0.0.1:8080", nil},
	}
	for _, c := range cases {
		got := lanURLs(tcp(c.listen), interfaces)
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("listening on %s: %q, want %q", c.listen, got, c.want)
		}
	}
	if got := lanURLs(tcp("[::]:8080"), []net.Addr{ipNet("127.0.0.1/8")}); len(got) != 0 {
		t.Errorf("loopback only: %q", got)
	}

	var out strings.Builder
	printLAN(&out, tcp("[::]:8080"), lanURLs(tcp("[::]:8080"), interfaces))
	for _, want := range []string{"http://192.168.1.20:8080/admin", "http://192.168.1.20:8080/desk", "http://10.8.0.5:8080/board"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the start-up message lacks %s:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "127.0.0.1") || strings.Contains(out.String(), "169.254") {
		t.Errorf("the start-up message lists a loopback or link-local address:\n%s", out.String())
	}
	out.Reset()
	printLAN(&out, tcp("127.0.0.1:8080"), nil)
	if !strings.Contains(out.String(), "--addr :8080") {
		t.Errorf("listening on loopback, the message says:\n%s", out.String())
	}
	out.Reset()
	printLAN(&out, tcp("[::]:8080"), nil)
	if !strings.Contains(out.String(), "no network address") {
		t.Errorf("with no network, the message says:\n%s", out.String())
	}
}
