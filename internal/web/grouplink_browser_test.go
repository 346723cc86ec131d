package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"bayboard/internal/jetstream"
	"bayboard/internal/jetstream/natstest"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// The manager links the demo shop to its group while the group's server
// is down: the page says so, with the events waiting; when the server
// comes back the store connects by itself, the page shows it connected and
// the backlog falls to 0, and the stream holds the store's snapshot.
func TestTheManagerLinksTheStoreAndSeesItCatchUp(t *testing.T) {
	group := natstest.Start(t)
	conn, err := jetstream.Connect(context.Background(), jetstream.Config{URLs: group.URL(), Name: "group"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.EnsureStream(context.Background(), jetstream.Stream{Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	group.Stop()

	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "manager", "/admin/group")
	livetest.WaitFor(t, ctx, "the link form", `!!document.querySelector("#group-link form input[name=urls]")`, 10*time.Second)
	livetest.WaitFor(t, ctx, "no link yet", `document.querySelector("#group-connected")?.dataset.state === "off"`, 10*time.Second)

	// A bad store id is said next to its field and nothing is saved.
	fill(t, ctx, "#group-link form", map[string]any{"urls": group.URL(), "store_id": "Beijing 01"}, true)
	livetest.WaitFor(t, ctx, "the store id's error", `document.querySelector("#group-link input[name=store_id]").closest("label").nextElementSibling?.classList.contains("field-error")`, 10*time.Second)
	if ls.Engine.State().GroupLink != nil {
		t.Fatal("a refused link was saved")
	}

	fill(t, ctx, "#group-link form", map[string]any{"urls": group.URL(), "store_id": "bj-01", "active": true}, true)
	livetest.WaitFor(t, ctx, "the link down, its events waiting", `(() => {
		const c = document.querySelector("#group-connected"), b = document.querySelector("#group-backlog");
		return c?.dataset.state === "down" && Number(b?.dataset.backlog) > 0 && !!document.querySelector("#group-error");
	})()`, 30*time.Second)
	livetest.Screenshot(t, ctx, "admin-group-down")
	livetest.Open(t, ctx, ls.URL("/admin/group?lang=en"))
	livetest.WaitFor(t, ctx, "the English page, the link down", `document.querySelector("#group-connected")?.dataset.state === "down" && document.documentElement.lang === "en"`, 10*time.Second)
	livetest.Screenshot(t, ctx, "admin-group-down-en")

	group.Restart(t)
	livetest.WaitFor(t, ctx, "connected with nothing waiting", `document.querySelector("#group-connected")?.dataset.state === "connected" &&
		document.querySelector("#group-backlog")?.dataset.backlog === "0" && !document.querySelector("#group-error")`, 60*time.Second)
	livetest.Screenshot(t, ctx, "admin-group-en")
	livetest.Open(t, ctx, ls.URL("/admin/group?lang=zh-CN"))
	livetest.WaitFor(t, ctx, "the Chinese page, connected", `document.querySelector("#group-connected")?.dataset.state === "connected" && document.documentElement.lang === "zh-CN"`, 10*time.Second)
	livetest.Screenshot(t, ctx, "admin-group")

	// The stream has the store's snapshot, every record the group keeps.
	cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first := make(chan shop.GroupMessage, 1)
	go conn.Consume(cctx, "check", func(d jetstream.Delivery) error {
		var m shop.GroupMessage
		if err := json.Unmarshal(d.Data, &m); err != nil {
			return err
		}
		select {
		case first <- m:
		default:
		}
		return nil
	})
	select {
	case m := <-first:
		if !m.Snapshot || m.Store != "bj-01" || len(m.Records) == 0 {
			t.Errorf("the stream's first message: snapshot %v, store %s, %d records", m.Snapshot, m.Store, len(m.Records))
		}
	case <-cctx.Done():
		t.Fatal("nothing on the stream")
	}
	if s := fmt.Sprint(ls.Engine.State().GroupLink.Active); s != "true" {
		t.Errorf("the link's active: %s", s)
	}
}
