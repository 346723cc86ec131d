package web

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every /api/v1 route is documented in docs/API.md, with its method.
func TestEveryRouteIsDocumented(t *testing.T) {
	raw, err := os.ReadFile("../../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	ts := newTestShop(t)
	_ = ts
	srv := New(Deps{Engine: ts.eng, Auth: ts.store}, Options{})
	param := regexp.MustCompile(`:([a-z_]+)`)
	for _, r := range srv.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if !strings.HasPrefix(path, "/api/v1") && path != "/healthz" && path != "/metrics" {
			continue
		}
		documented := param.ReplaceAllString(path, "{$1}")
		listed := strings.Contains(doc, method+" "+documented) ||
			(method == "GET" && strings.Contains(doc, "`/"+lastSegment(documented)+"`"))
		if !listed {
			t.Errorf("%s %s is not in docs/API.md", method, documented)
		}
	}
}

func lastSegment(p string) string { return p[strings.LastIndex(p, "/")+1:] }
