package assets

import (
	"embed"
	"io/fs"
)

// pages holds what the shop's screens load, served under /assets/ (the
// HTML templates are rendered by the server instead):
//
//   - board.html and pair.html: the page of every board, and the page an
//     unpaired screen shows its pairing code on;
//   - feed.js: the live feed client every screen shares (snapshot, changes,
//     resume, reconnection with jittered backoff, link watch);
//   - link.js: the link to the server as the desk and the kiosk see it
//     (down on a failed call, probing /healthz until the server answers);
//   - kit/: what the boards', the staff's and the kiosk's pages share:
//     dom.js (the element builder, the plate), api.js (the API client:
//     CSRF, Idempotency-Key, problem answers, the link), format.js (money,
//     and times in the shop's zone, never the browser's) and palette.css
//     (the colours, as custom properties);
//   - i18n.js and i18n/*.json: the zh-CN and en message catalogs; no text
//     is written into a page or script in either language;
//   - board/: one ES module per screen, the helpers they share, and the
//     stylesheet with its themes (dark for TVs, light for desks);
//   - kiosk/: the pages behind the QR codes and the parts counter (phone
//     first): page.html and denied.html (rendered by the server), one
//     module per page, kiosk.js (sign-in, notices, the wedge scanner) and
//     kiosk.css, importing nothing of the boards' or the staff's; their words are in i18n/kiosk/.
//
// Plain HTML, CSS and JavaScript modules: there is no build step and
// nothing is fetched from the internet, so a shop LAN without one works.
//
//go:embed pages
var pages embed.FS

// Pages is the tree under assets/pages.
func Pages() fs.FS {
	sub, err := fs.Sub(pages, "pages")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}
