package assets_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"bayboard/assets"
	"bayboard/board"
	"bayboard/internal/shop"
)

var languages = []string{"zh-CN", "en"}

// catalog merges the shared catalog of a language with every area's
// (i18n/{area}/{lang}.json). An area's keys start with its name, so no
// key is in two files.
func catalog(t *testing.T, lang string) map[string]string {
	t.Helper()
	files := []string{"i18n/" + lang + ".json"}
	areas, err := fs.Glob(assets.Pages(), "i18n/*/"+lang+".json")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, areas...)
	c := map[string]string{}
	for _, name := range files {
		raw, err := fs.ReadFile(assets.Pages(), name)
		if err != nil {
			t.Fatal(err)
		}
		var part map[string]string
		if err := json.Unmarshal(raw, &part); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// A key written twice in one file keeps only its last message,
		// silently (a merge that kept both sides did this once).
		for _, k := range repeatedKeys(t, raw) {
			t.Errorf("%s: key %q is written twice", name, k)
		}
		area := path.Base(path.Dir(name))
		for k, v := range part {
			if area != "i18n" && !strings.HasPrefix(k, area+".") {
				t.Errorf("%s: key %q does not start with %q", name, k, area+".")
			}
			if _, dup := c[k]; dup {
				t.Errorf("%s: key %q is in another catalog too", name, k)
			}
			c[k] = v
		}
	}
	return c
}

// repeatedKeys lists the keys a catalog file's object holds more than
// once, which decoding into a map hides.
func repeatedKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if _, err := dec.Token(); err != nil { // the opening brace
		t.Fatal(err)
	}
	seen, out := map[string]bool{}, []string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if seen[k] {
			out = append(out, k)
		}
		seen[k] = true
	}
	return out
}

var (
	// t("key"), t('key'), t(`key`) and {key: "fig.x"} name a message
	// outright; data-i18n="key" in a page too (and its -placeholder,
	// -title and -label forms).
	literalKey = regexp.MustCompile("\\bt\\(\\s*[\"'`]([a-z_]+(?:\\.[a-z0-9_]+)+)[\"'`]|\\bkey:\\s*\"([a-z_]+(?:\\.[a-z0-9_]+)+)\"|data-i18n(?:-placeholder|-title|-label)?=\"([a-z_]+(?:\\.[a-z0-9_]+)+)\"")
	// t(`stage.${…}`) builds a key from a value the server sends; an
	// area's keys may have more parts (t(`kiosk.action.${…}`)).
	builtKey    = regexp.MustCompile("\\bt\\(\\s*`([a-z_]+(?:\\.[a-z0-9_]+)*)\\.\\$\\{")
	placeholder = regexp.MustCompile(`\{(\w+)\}`)
)

// builtKeys lists, for each prefix of a built key, every value the server
// may send there.
func builtKeys() map[string][]string {
	stages := make([]string, len(shop.Stages))
	for i, s := range shop.Stages {
		stages[i] = string(s)
	}
	pauses := make([]string, len(shop.PauseReasons))
	for i, r := range shop.PauseReasons {
		pauses[i] = string(r)
	}
	return map[string][]string{
		"stage": stages,
		"flag":  board.Flags,
		"phase": board.Phases,
		"view":  board.Views,
		"pause": pauses,
		"parts": {string(shop.PartsRequested), string(shop.PartsPicked), string(shop.PartsIssued), string(shop.PartsOnOrder), string(shop.PartsCancelled)},
		"appts": board.ApptStatuses,
		"wash":  board.WashStates,
		// The staff shell names a refusal by its problem code.
		// (internal/web checks that every code has its message.)
		"staff.problem": {"unauthorized", "locked", "csrf", "forbidden", "not_found", "shutting_down", "print_failed", "conflict",
			"offline", "invalid", "illegal_move", "no_printer", "bad_link", "too_large", "unsupported_media", "route_not_found",
			"method_not_allowed", "http", "internal", "password_change_required", "idempotency_key_reused", "rate_limited",
			// A photo's upload refused (kit/photos.js shows it on the photo).
			"not_an_image", "too_many_pixels"},
		"staff.rule": ruleKeys(),
		// Who pays for a line of the settlement.
		"staff.payer": setupWords(shop.Payers),
		// The columns of a catalogue import and what each row would do.
		"admin.catalog.field":         {"number", "name", "unit_price", "code", "sold_hours", "price", "active"},
		"admin.catalog.import.action": {"add", "update", "same"},
		// The admin's setup list names each step and gap by its code.
		"admin.setup.step": setupWords(shop.SetupSteps),
		"admin.setup.gap":  setupWords(shop.SetupGaps),
		// A walk-around photo names its position.
		"photos.position": setupWords(shop.PhotoPositions),
		// The admin's webhooks name each event type a webhook may want.
		"admin.webhooks.event": webhookEventTypes(),
		// The customer messages by kind, and a customer's wishes about them.
		"admin.messages.kind": setupWords(shop.MessageKinds),
		"desk.prefs.channel":  setupWords(shop.MessageChannels),
		"desk.prefs.way":      setupWords(shop.OptOutWays),
	}
}

func webhookEventTypes() []string {
	var out []string
	for _, e := range shop.WebhookEventTypes {
		out = append(out, e.Type)
	}
	return out
}

func setupWords[T ~string](codes []T) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
	}
	return out
}

// ruleKeys are the server's fixed sayings about a field — the domain's
// (`p.add("field", "is required")` in internal/shop) and the API's
// (`{Field: "pin", Message: "4 to 8 digits"}` in internal/web and
// internal/access) — in snake
// case: the staff shell looks each one up in the catalogs as
// staff.rule.{saying}.
func ruleKeys() []string {
	var keys []string
	shopFiles, _ := filepath.Glob("../internal/shop/*.go")
	webFiles, _ := filepath.Glob("../internal/web/*.go")
	accessFiles, _ := filepath.Glob("../internal/access/*.go")   // a screen's name and views
	catalogFiles, _ := filepath.Glob("../internal/catalog/*.go") // an import's row and file errors
	files := append(append(append(shopFiles, webFiles...), accessFiles...), catalogFiles...)
	// The field is a literal, a variable or a fmt.Sprintf; a saying with
	// %d in it is in the catalogs with n for the number, one with another
	// verb is not looked up.
	said := regexp.MustCompile(`\.add\((?:"[^"]*"|[a-zA-Z_.]+|fmt\.Sprintf\([^)]*\)), "([^"]+)"|Field: [^,]+, Message: "([^"]+)"\s*[},]`)
	words := regexp.MustCompile(`[^a-z0-9]+`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		raw, _ := os.ReadFile(f)
		for _, m := range said.FindAllStringSubmatch(string(raw), -1) {
			msg := strings.ReplaceAll(m[1]+m[2], "%d", "n")
			// A placeholder named in braces is in the catalogs as p.
			msg = strings.ReplaceAll(msg, "{%s}", "p")
			if strings.Contains(msg, "%") {
				continue
			}
			keys = append(keys, strings.Trim(words.ReplaceAllString(strings.ToLower(msg), "_"), "_"))
		}
	}
	return keys
}

// navKeys are the names of the staff pages in the navigation: staff.html
// writes {area}.nav.{page} for each page module of the desk and admin, and
// staff.nav.{area} for the manager's link to an area.
func navKeys(t *testing.T) []string {
	var keys []string
	for _, area := range []string{"desk", "admin"} {
		pages, err := fs.Glob(assets.Pages(), area+"/*.js")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			keys = append(keys, area+".nav."+strings.TrimSuffix(path.Base(p), ".js"))
		}
		// The manager's link to the area from the other one.
		keys = append(keys, "staff.nav."+area)
	}
	return keys
}

// Every message a page or script uses is in both catalogs, with the same
// placeholders; the catalogs hold the same keys and no empty message.
func TestEveryMessageIsInBothCatalogs(t *testing.T) {
	used := map[string][]string{} // key → files
	built := builtKeys()
	err := fs.WalkDir(assets.Pages(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".html")) {
			return err
		}
		raw, err := fs.ReadFile(assets.Pages(), path)
		if err != nil {
			return err
		}
		for _, m := range literalKey.FindAllStringSubmatch(string(raw), -1) {
			key := m[1] + m[2] + m[3]
			used[key] = append(used[key], path)
		}
		for _, m := range builtKey.FindAllStringSubmatch(string(raw), -1) {
			values, ok := built[m[1]]
			if !ok {
				t.Errorf("%s builds message keys %s.${…}, and the test does not know their values: add them to builtKeys", path, m[1])
			}
			for _, v := range values {
				used[m[1]+"."+v] = append(used[m[1]+"."+v], path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range navKeys(t) {
		used[k] = append(used[k], "staff.html")
	}
	if len(used) < 50 {
		t.Fatalf("only %d message keys found in the pages: the scan is broken", len(used))
	}
	catalogs := map[string]map[string]string{}
	for _, lang := range languages {
		catalogs[lang] = catalog(t, lang)
	}
	var keys []string
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, lang := range languages {
			if _, ok := catalogs[lang][k]; !ok {
				t.Errorf("%s has no message %q (used in %s)", lang, k, strings.Join(used[k], ", "))
			}
		}
	}
	zh, en := catalogs["zh-CN"], catalogs["en"]
	for k, v := range zh {
		other, ok := en[k]
		if !ok {
			t.Errorf("en lacks %q, which zh-CN has", k)
			continue
		}
		if strings.TrimSpace(v) == "" || strings.TrimSpace(other) == "" {
			t.Errorf("%q is empty in a catalog", k)
		}
		if a, b := placeholders(v), placeholders(other); a != b {
			t.Errorf("%q has placeholders %s in zh-CN and %s in en", k, a, b)
		}
		if _, ok := used[k]; !ok {
			t.Errorf("%q is in the catalogs but no page uses it", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh-CN lacks %q, which en has", k)
		}
	}
}

func placeholders(s string) string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// No page loads anything from outside the shop's box.
func TestPagesLoadNothingFromTheInternet(t *testing.T) {
	fs.WalkDir(assets.Pages(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, _ := fs.ReadFile(assets.Pages(), path)
		for _, bad := range []string{"http://", "https://", "//cdn", "@import url("} {
			if strings.Contains(string(raw), bad) {
				t.Errorf("%s mentions %q", path, bad)
			}
		}
		return nil
	})
}

// importFrom matches the module a static import or re-export names.
var importFrom = regexp.MustCompile(`(?m)^\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"`)

// imports lists the modules each page script imports, as paths under
// assets/pages (a specifier "/assets/x.js" or "../x.js" resolved).
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := fs.WalkDir(assets.Pages(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		raw, err := fs.ReadFile(assets.Pages(), p)
		if err != nil {
			return err
		}
		for _, m := range importFrom.FindAllStringSubmatch(string(raw), -1) {
			spec := m[1]
			var target string
			switch {
			case strings.HasPrefix(spec, "/assets/"):
				target = strings.TrimPrefix(spec, "/assets/")
			case strings.HasPrefix(spec, "./"), strings.HasPrefix(spec, "../"):
				target = path.Join(path.Dir(p), spec)
			default:
				t.Errorf("%s imports %q, which is neither a page asset nor a relative path", p, spec)
				continue
			}
			out[p] = append(out[p], target)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pageGroup is which pages a module belongs to: the boards', the staff's
// (desk and admin built on staff/) or the kiosk's; "" for what every page
// may share (kit/, feed.js, link.js, i18n.js).
func pageGroup(p string) string {
	switch strings.SplitN(p, "/", 2)[0] {
	case "board":
		return "board"
	case "staff", "desk", "admin":
		return "staff"
	case "kiosk":
		return "kiosk"
	}
	return ""
}

// The boards', the staff's and the kiosk's pages build on the pages'
// shared kit, not on each other's modules: a change to a board or a desk
// page cannot break a technician's phone. Every import names a module
// that is there.
func TestPagesShareOnlyTheKit(t *testing.T) {
	all := imports(t)
	if len(all["kiosk/kiosk.js"]) == 0 || len(all["staff/app.js"]) == 0 || len(all["board/screen.js"]) == 0 {
		t.Fatalf("no imports found in kiosk.js, app.js or screen.js: the scan is broken (%v)", all)
	}
	for from, targets := range all {
		for _, to := range targets {
			if _, err := fs.Stat(assets.Pages(), to); err != nil {
				t.Errorf("%s imports %s, which is not among the pages", from, to)
			}
			if g := pageGroup(to); g != "" && g != pageGroup(from) {
				t.Errorf("%s imports %s: what the %s pages share with others belongs in kit/", from, to, pageGroup(from))
			}
		}
	}
}

// hexColour matches a colour written out in a stylesheet.
var hexColour = regexp.MustCompile(`#[0-9a-fA-F]{3,8}\b|rgba?\(`)

// Every colour is the palette's: a stylesheet names its colours, it does
// not write them.
func TestStylesheetsTakeTheirColoursFromThePalette(t *testing.T) {
	sheets := 0
	err := fs.WalkDir(assets.Pages(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".css") {
			return err
		}
		sheets++
		raw, err := fs.ReadFile(assets.Pages(), p)
		if err != nil {
			return err
		}
		if p == "kit/palette.css" {
			return nil
		}
		for _, m := range hexColour.FindAllString(string(raw), -1) {
			t.Errorf("%s writes the colour %s: name one of kit/palette.css", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sheets < 4 {
		t.Fatalf("only %d stylesheets found: the scan is broken", sheets)
	}
}
