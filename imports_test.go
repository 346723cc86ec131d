package bayboard_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// module is this module's path, as go.mod names it.
const module = "bayboard"

// pureDomain lists the packages that import nothing of ours: the domain
// depends on no storage, transport or screen.
var pureDomain = []string{"internal/shop"}

// ourImports lists, for a package that must stay below the others, the
// only packages of ours it may import: access keeps sign-in beside the
// domain, under the store that keeps its records and the web that maps
// HTTP to it.
var ourImports = map[string][]string{
	"internal/access": {"internal/shop"},
	// The photos' files and the image processing know nothing of the
	// shop: the web layer joins them to jobs.
	"internal/photos":   {},
	"internal/testcert": {},
	"internal/testdisk": {},
	"internal/imaging":  {},
	// The senders know a message, not the shop that sends it.
	"internal/channels": {},
}

// webImporters are the only packages whose code may import the HTTP
// layer: the assembly that wires it and the browser tests' harness. The
// rest reach sign-in and access through internal/access and the domain
// through internal/shop, never through a handler's package.
var webImporters = []string{"internal/server", "internal/livetest"}

// libraryHomes says, for each third-party library kept behind one
// package, the only package whose code may import it (the library's path
// and every path under it), so that swapping it is a local change.
var libraryHomes = []struct {
	library string
	home    string
}{
	{"go.etcd.io/bbolt", "internal/store"},
	{"github.com/gofiber/fiber", "internal/web"},
	{"github.com/gofiber/contrib/websocket", "internal/web"},
	{"github.com/valyala/fasthttp", "internal/web"},
	{"github.com/fasthttp/websocket", "internal/web"},
	{"github.com/jung-kurt/gofpdf", "printing"},
	{"github.com/skip2/go-qrcode", "printing"},
	{"golang.org/x/text", "internal/catalog"},
	{"golang.org/x/image", "internal/imaging"},
	{"github.com/go-json-experiment/json", "internal/wire"},
	{"github.com/chromedp", "internal/livetest"},
	// The dealer group's JetStream: the client behind internal/jetstream,
	// the server behind natstest, which only tests import.
	{"github.com/nats-io/nats.go", "internal/jetstream"},
	{"github.com/nats-io/nats-server/v2", "internal/jetstream/natstest"},
	// The SMS and e-mail senders use only the standard library
	// (net/http, net/smtp); go-smtp and its SASL are their tests' mail
	// server, in testOnlyLibraries.
}

// testOnlyLibraries are libraries that no package's code imports, and
// only the named packages' tests do: go-smtp is the real SMTP server the
// e-mail sender is tested against, the outbox's end-to-end test delivers
// a customer message to, and the mail server the SIGKILL test
// (cmd/bayboard) finds every pending e-mail delivered to after the restart.
var testOnlyLibraries = []struct {
	library string
	tests   []string
}{
	{"github.com/emersion/go-smtp", []string{"internal/channels", "internal/outbox", "cmd/bayboard"}},
	{"github.com/emersion/go-sasl", []string{"internal/channels", "internal/outbox", "cmd/bayboard"}},
}

// testOnlyPackages are packages of ours that only tests import: natstest
// starts real NATS servers in the test's process.
var testOnlyPackages = []string{"internal/jetstream/natstest"}

// Every package keeps to the import rules of STYLE.md. The rules bind a
// package's code; its tests may import a library as a test tool (chromedp
// to drive a browser, x/text to write a GBK file), and internal/web to
// serve what they measure (the store's HTTP benchmarks do).
func TestPackagesImportByTheRules(t *testing.T) {
	for _, broken := range brokenImportRules(t, ".") {
		t.Error(broken)
	}
}

// The check finds each kind of broken rule in a small tree written to
// break them, and nothing in the files that keep to them.
func TestTheImportCheckFindsBrokenRules(t *testing.T) {
	got := brokenImportRules(t, filepath.Join("testdata", "imports"))
	want := []string{
		`board/leak.go imports github.com/chromedp/chromedp, which only internal/livetest may import`,
		`internal/access/leak.go imports bayboard/internal/store: internal/access imports only internal/shop of ours`,
		`internal/channels/leak.go imports github.com/emersion/go-smtp, which only internal/channels, internal/outbox and cmd/bayboard's tests may import`,
		`internal/demo/leak.go imports bayboard/internal/web: only internal/server, internal/livetest import the HTTP layer`,
		`internal/grouplink/leak.go imports bayboard/internal/jetstream/natstest, which only tests may import`,
		`internal/grouplink/leak.go imports github.com/nats-io/nats.go, which only internal/jetstream may import`,
		`internal/shop/leak.go imports bayboard/internal/store: internal/shop imports nothing of ours`,
		`internal/shop/shop_test.go imports github.com/emersion/go-smtp, which only internal/channels, internal/outbox and cmd/bayboard's tests may import`,
		`kiosk/leak.go imports github.com/gofiber/fiber/v2/middleware/cors, which only internal/web may import`,
		`kiosk/leak.go imports go.etcd.io/bbolt, which only internal/store may import`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("the check found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// brokenImportRules reads the imports of every Go file under root (but
// testdata, hidden and vendor folders) and says each one that breaks a
// rule, sorted.
func brokenImportRules(t *testing.T, root string) []string {
	t.Helper()
	var broken []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		isTest := strings.HasSuffix(name, "_test.go")
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		pkg := filepath.ToSlash(filepath.Dir(rel))
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, spec := range f.Imports {
			imported, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return err
			}
			for _, lib := range testOnlyLibraries {
				if under(imported, lib.library) && (!isTest || !slices.Contains(lib.tests, pkg)) {
					broken = append(broken, rel+" imports "+imported+", which only "+namesList(lib.tests)+"'s tests may import")
				}
			}
			if isTest {
				// The other rules bind a package's code, not its tests.
				continue
			}
			if under(imported, module) && slices.Contains(testOnlyPackages, strings.TrimPrefix(imported, module+"/")) {
				broken = append(broken, rel+" imports "+imported+", which only tests may import")
			}
			if slices.Contains(pureDomain, pkg) && under(imported, module) {
				broken = append(broken, rel+" imports "+imported+": "+pkg+" imports nothing of ours")
			}
			if allowed, ok := ourImports[pkg]; ok && under(imported, module) && !slices.Contains(allowed, strings.TrimPrefix(imported, module+"/")) {
				broken = append(broken, rel+" imports "+imported+": "+pkg+" imports only "+strings.Join(allowed, ", ")+" of ours")
			}
			if imported == module+"/internal/web" && !slices.Contains(webImporters, pkg) {
				broken = append(broken, rel+" imports "+imported+": only "+strings.Join(webImporters, ", ")+" import the HTTP layer")
			}
			for _, lib := range libraryHomes {
				if under(imported, lib.library) && pkg != lib.home {
					broken = append(broken, rel+" imports "+imported+", which only "+lib.home+" may import")
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(broken)
	return broken
}

// under says whether an import path is path or a path beneath it.
func under(imported, path string) bool {
	return imported == path || strings.HasPrefix(imported, path+"/")
}

// namesList joins names as a sentence does: "a, b and c".
func namesList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
