package web

import (
	"bufio"
	"log/slog"

	"bayboard/internal/shop"
	"bayboard/internal/wire"

	"github.com/gofiber/fiber/v2"
)

// A job's history and the events export may hold any number of events:
// a job reworked for months, a year of the shop's log. They are read a
// page at a time, each page in a short read transaction of its own, and
// written to the client as they are read, so the server's memory holds
// one page whatever the size of the whole, and a slow client holds no
// transaction open. The status and headers go before the body, so an
// error after the first page can only cut the answer short: the array is
// then left unclosed, and a client sees a broken document rather than a
// short one that looks whole.

// eventPage is how many events are read and written at a time.
const eventPage = 256

// eventPager reads the page of events after an event's number.
type eventPager func(after uint64) ([]shop.Event, error)

// streamEvents answers a JSON array of the events first and of the pages
// that follow it, those that keep says to keep. It returns at once; the
// body is written after the handler, as the client reads it.
func streamEvents(c *fiber.Ctx, log *slog.Logger, first []shop.Event, next eventPager, keep func(shop.Event) bool) {
	path := c.Path()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		w.WriteString("[")
		written := 0
		page := first
		for {
			for _, ev := range page {
				if keep != nil && !keep(ev) {
					continue
				}
				raw, err := wire.Marshal(ev)
				if err != nil {
					log.Error("stream events", "path", path, "seq", ev.Seq, "error", err)
					return
				}
				if written > 0 {
					w.WriteString(",\n")
				}
				written++
				w.Write(raw)
			}
			if len(page) < eventPage {
				break
			}
			// The page goes to the client before the next is read; a
			// client that has gone away ends the stream here.
			if err := w.Flush(); err != nil {
				return
			}
			var err error
			if page, err = next(page[len(page)-1].Seq); err != nil {
				log.Error("stream events", "path", path, "error", err)
				return
			}
		}
		w.WriteString("]\n")
	})
}
