package printing

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

func TestCatalogLanguagesHaveTheSameKeys(t *testing.T) {
	zh, en := catalog[LangZH], catalog[LangEN]
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in zh-CN but not in en", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%q is in en but not in zh-CN", k)
		}
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	for k, v := range zh {
		if a, b := verbs.FindAllString(v, -1), verbs.FindAllString(en[k], -1); strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%q: zh-CN has verbs %v, en %v", k, a, b)
		}
		if strings.TrimSpace(v) == "" || strings.TrimSpace(en[k]) == "" {
			t.Errorf("%q is empty in a language", k)
		}
	}
}

// TestEveryLabelTheCodeAsksForExists reads the package's source for
// t("key") calls, and the keys built from domain values.
func TestEveryLabelTheCodeAsksForExists(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`\bt\("([a-z0-9_]+)"\)`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 40 {
		t.Fatalf("found only %d label keys in the source; is the pattern stale?", len(used))
	}
	for _, s := range []shop.FindingStatus{shop.FindingProposed, shop.FindingAwaiting, shop.FindingApproved, shop.FindingDeclined} {
		used["finding_"+string(s)] = true
	}
	for _, k := range shop.BayKinds {
		used["bay_kind_"+string(k)] = true
	}
	for _, m := range []string{"cash", "card", "wechat", "alipay", "transfer", "account"} {
		used["pay_"+m] = true
	}
	var missing []string
	for k := range used {
		if _, ok := catalog[LangZH][k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("keys used but not in the catalog: %v", missing)
	}
}
