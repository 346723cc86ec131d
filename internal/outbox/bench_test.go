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

	"bayboard/internal/channels"
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

// BenchmarkMessages is customer messages sent a second through the real
// senders: b.N booking confirmations queued, then drained by the worker
// through channels.SMS to a local stand-in of Alibaba Cloud's SendSms
// endpoint (one signed GET each, the connection kept alive), and through
// channels.Email to a local go-smtp server (one connection each:
// STARTTLS, AUTH PLAIN, the message, QUIT).
func BenchmarkMessages(b *testing.B) {
	b.Run("sms", func(b *testing.B) {
		var got atomic.Int64
		done := make(chan struct{})
		n := int64(b.N)
		gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"Code":"OK","Message":"OK","BizId":"900619746936498440^0","RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990"}`)
			if got.Add(1) == n {
				close(done)
			}
		}))
		defer gateway.Close()
		sms, err := channels.NewSMS(channels.SMSConfig{Endpoint: gateway.URL + "/", AccessKeyID: "LTAI-bench", AccessKeySecret: "bench-secret",
			SignName: "京华4S店", Templates: map[string]string{"booking_confirmation": "SMS_100000001"}}, gateway.Client())
		if err != nil {
			b.Fatal(err)
		}
		benchMessages(b, "sms", "13812345678", sms, done)
	})
	b.Run("email", func(b *testing.B) {
		box, email := mailSender(b, 64)
		done := make(chan struct{})
		go func() {
			for i := 0; i < b.N; i++ {
				<-box.got
			}
			close(done)
		}()
		benchMessages(b, "email", "zhang@example.cn", email, done)
	})
}

// benchMessages queues b.N booking confirmations for a channel, then
// times the worker sending them through sender until done closes.
func benchMessages(b *testing.B, channel, to string, sender channels.Sender, done chan struct{}) {
	st, err := store.Open(filepath.Join(b.TempDir(), "shop.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// Queued in batches of 256, as the engine's group commit writes them.
	for i := 0; i < b.N; i += 256 {
		k := min(256, b.N-i)
		evs := make([]shop.Event, k)
		ms := make([][]shop.OutboxMessage, k)
		for j := range evs {
			evs[j] = shop.Event{At: time.Now(), Type: "book_appointment", Subject: fmt.Sprint("appt-", i+j), Data: []byte(`{"type":"book_appointment"}`)}
			ms[j] = []shop.OutboxMessage{{Kind: shop.MsgBookingConfirmation, Channel: shop.MessageChannel(channel), To: to, CustomerID: "cu-1", Language: "zh-CN",
				Subject: "预约确认：京A·12345", Text: "尊敬的张先生，您的爱车京A·12345已预约2026-03-03 11:00到店保养，服务顾问王顾问将为您服务。【京华4S店】",
				SMSCode: "SMS_100000001", Params: map[string]string{"customer": "张先生", "plate": "京A·12345", "date": "2026-03-03", "time": "11:00", "advisor": "王顾问"}}}
		}
		if _, err := st.CommitMessages(nil, evs, nil, ms); err != nil {
			b.Fatal(err)
		}
	}
	w := outbox.New(outbox.Config{Queue: st, Webhooks: func() map[string]*shop.Webhook { return nil },
		Senders: func() map[string]channels.Sender { return map[string]channels.Sender{channel: sender} }, Instance: "bench"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ResetTimer()
	start := time.Now()
	go w.Run(ctx)
	<-done
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "messages/s")
}

// BenchmarkFloorCommandWithADeadDestination is the latency of a command
// the floor gives (a booking a webhook wants) with no webhook, with one
// whose receiver refuses every connection, with one whose receiver hangs
// until the 10-second timeout, with SMS set up but no sender (each
// booking queues its confirmation, none is sent: the cost of queuing a
// rendered message) and with SMS set up whose endpoint hangs likewise:
// the commit only writes the entries.
func BenchmarkFloorCommandWithADeadDestination(b *testing.B) {
	for _, dest := range []string{"none", "refused", "hanging", "sms-unsent", "sms-hanging"} {
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
				// No quiet hours: the confirmation is due at once, whatever
				// the time of the run.
				&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678", Messages: &shop.MessagePrefs{QuietFrom: "00:00", QuietTo: "00:00"}}},
				&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata"}},
			} {
				if _, err := eng.Do(ctx, sys, c); err != nil {
					b.Fatal(err)
				}
			}
			var senders map[string]channels.Sender
			switch dest {
			case "refused":
				ln, _ := net.Listen("tcp", "127.0.0.1:0")
				ln.Close()
				addHookTo(b, eng, "http://"+ln.Addr().String()+"/in")
			case "hanging":
				srv := hangingServer(b)
				addHookTo(b, eng, srv.URL)
			case "sms-unsent":
				// SMS set up, so each booking queues its confirmation, but
				// the worker has no sender: the cost of the queuing alone.
				if _, err := eng.Do(ctx, sys, &shop.PutMessageSender{Sender: shop.MessageSender{Channel: shop.ChannelSMS,
					AccessKeyID: "LTAI-bench", SignName: "京华4S店"}, Secret: "bench-secret"}); err != nil {
					b.Fatal(err)
				}
			case "sms-hanging":
				srv := hangingServer(b)
				sms, err := channels.NewSMS(channels.SMSConfig{Endpoint: srv.URL + "/", AccessKeyID: "LTAI-bench", AccessKeySecret: "bench-secret",
					SignName: "京华4S店", Templates: map[string]string{"booking_confirmation": "SMS_100000001"}}, srv.Client())
				if err != nil {
					b.Fatal(err)
				}
				senders = map[string]channels.Sender{"sms": sms}
				if _, err := eng.Do(ctx, sys, &shop.PutMessageSender{Sender: shop.MessageSender{Channel: shop.ChannelSMS, Endpoint: srv.URL + "/",
					AccessKeyID: "LTAI-bench", SignName: "京华4S店"}, Secret: "bench-secret"}); err != nil {
					b.Fatal(err)
				}
			}
			w := outbox.New(outbox.Config{Queue: st, Webhooks: func() map[string]*shop.Webhook { return eng.State().Webhooks }, Instance: "bench",
				Senders: func() map[string]channels.Sender { return senders }})
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

// hangingServer is a receiver that never answers: each request waits
// till its sender hangs up (a timeout), and the bench's end cuts them.
func hangingServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read to the end, so the server notices the sender hang up.
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	b.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return srv
}
