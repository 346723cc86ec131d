package outbox_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"bayboard/internal/engine"
	"bayboard/internal/outbox"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// BenchmarkDeliveries is deliveries a second to a local receiver: b.N
// events queued, then drained by the worker, one destination, in order.
func BenchmarkDeliveries(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "shop.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var got atomic.Int64
	done := make(chan struct{})
	n := int64(b.N)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
		if got.Add(1) == n {
			close(done)
		}
	}))
	defer srv.Close()
	hooks := map[string]*shop.Webhook{"webhook-1": {ID: "webhook-1", Name: "bench", URL: srv.URL, Events: []string{"deliver"}, Active: true, Secret: "k"}}
	// Queued in batches of 256, as the engine's group commit writes them.
	for i := 0; i < b.N; i += 256 {
		k := min(256, b.N-i)
		evs := make([]shop.Event, k)
		ds := make([][]string, k)
		for j := range evs {
			evs[j] = shop.Event{At: time.Now(), Type: "deliver", Subject: fmt.Sprint(i + j), Data: []byte(`{"type":"deliver","job_id":"20261123-0001"}`)}
			ds[j] = []string{"webhook-1"}
		}
		if _, err := st.CommitOutbox(nil, evs, ds); err != nil {
			b.Fatal(err)
		}
	}
	w := outbox.New(outbox.Config{Queue: st, Webhooks: func() map[string]*shop.Webhook { return hooks }, Instance: "bench"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ResetTimer()
	start := time.Now()
	go w.Run(ctx)
	<-done
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
}

// BenchmarkFloorCommandWithADeadDestination is the latency of a command
// the floor gives (a booking a webhook wants) with no webhook, with one
// whose receiver refuses every connection, and with one whose receiver
// hangs until the 10-second timeout: the commit only writes the entry.
func BenchmarkFloorCommandWithADeadDestination(b *testing.B) {
	for _, dest := range []string{"none", "refused", "hanging"} {
		b.Run(dest, func(b *testing.B) {
			st, err := store.Open(filepath.Join(b.TempDir(), "shop.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			state, _, _ := st.Load(time.Now())
			eng := engine.New(st, state, time.Now)
			defer eng.Close()
			ctx := context.Background()
			sys := shop.Actor{System: true}
			for _, c := range []shop.Command{
				&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}},
				&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata"}},
			} {
				if _, err := eng.Do(ctx, sys, c); err != nil {
					b.Fatal(err)
				}
			}
			switch dest {
			case "refused":
				ln, _ := net.Listen("tcp", "127.0.0.1:0")
				ln.Close()
				addHookTo(b, eng, "http://"+ln.Addr().String()+"/in")
			case "hanging":
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					// Read to the end, so the server notices the sender hang up.
					io.Copy(io.Discard, r.Body)
					<-r.Context().Done()
				}))
				defer srv.Close()
				defer srv.CloseClientConnections()
				addHookTo(b, eng, srv.URL)
			}
			w := outbox.New(outbox.Config{Queue: st, Webhooks: func() map[string]*shop.Webhook { return eng.State().Webhooks }, Instance: "bench"})
			eng.Subscribe(func(engine.Change) { w.Notify() })
			wctx, cancel := context.WithCancel(ctx)
			go w.Run(wctx)
			defer cancel()
			at := time.Now().Add(48 * time.Hour)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := eng.Do(ctx, sys, &shop.BookAppointment{At: at, CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养", OverCapacity: "bench"}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		})
	}
}

func addHookTo(b *testing.B, eng *engine.Engine, url string) {
	b.Helper()
	if _, err := eng.Do(context.Background(), shop.Actor{System: true}, &shop.PutWebhook{Webhook: shop.Webhook{Name: "dead", URL: url, Events: []string{"book_appointment"}, Active: true}, Secret: "k"}); err != nil {
		b.Fatal(err)
	}
}
