package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/shop"
	"bayboard/internal/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// The shop's time zone comes from its settings when the state is loaded,
// and the assembled server serves the API, the staff pages and the boards.
func TestLoadSetsTheShopsTimeZoneAndTheServerServes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	state, err := Load(st, now, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if got := state.Loc.String(); got != "Asia/Shanghai" {
		t.Errorf("a new shop's zone is %s, want its default settings' Asia/Shanghai", got)
	}
	srv, err := New(st, state, func() time.Time { return now }, Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	settings := state.Settings
	settings.Name = "Test shop"
	settings.TimeZone = "Europe/Paris"
	if _, err := srv.Engine.Do(context.Background(), shop.Actor{System: true}, &shop.SetSettings{Settings: settings}); err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	for _, path := range []string{"/healthz", "/signin", "/board", "/assets/feed.js"} {
		res, err := http.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Error(err)
	}
	<-served
	srv.Close()

	state, err = Load(st, now, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if got := state.Loc.String(); got != "Europe/Paris" {
		t.Errorf("after the settings changed the zone, Load gives %s, want Europe/Paris", got)
	}
}
