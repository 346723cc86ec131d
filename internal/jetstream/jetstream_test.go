package jetstream_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/internal/jetstream"
	"bayboard/internal/jetstream/natstest"
)

func connect(t *testing.T, urls string) *jetstream.Conn {
	t.Helper()
	conn, err := jetstream.Connect(context.Background(), jetstream.Config{URLs: urls, Name: t.Name()})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(conn.Close)
	return conn
}

func storeMsgs(store string, from, to int) []jetstream.Msg {
	var msgs []jetstream.Msg
	for i := from; i <= to; i++ {
		msgs = append(msgs, jetstream.Msg{
			ID:      fmt.Sprintf("%s:%d", store, i),
			Subject: jetstream.StoreSubject(store),
			Data:    []byte(fmt.Sprintf("%s event %d", store, i)),
		})
	}
	return msgs
}

// withStream starts a real server with the group's stream on it and
// connects to it.
func withStream(t *testing.T) (*natstest.Server, *jetstream.Conn) {
	t.Helper()
	srv := natstest.Start(t)
	conn := connect(t, srv.URL())
	if err := conn.EnsureStream(context.Background(), jetstream.Stream{Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	return srv, conn
}

// collect consumes until want messages arrived (or fails after a bound
// that only a broken consumer reaches) and returns them in delivery order.
func collect(t *testing.T, conn *jetstream.Conn, durable string, want int) []jetstream.Delivery {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu  sync.Mutex
		got []jetstream.Delivery
	)
	done := make(chan struct{})
	returned := make(chan error, 1)
	go func() {
		returned <- conn.Consume(ctx, durable, func(d jetstream.Delivery) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, d)
			if len(got) == want {
				close(done)
			}
			return nil
		})
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("consumed %d of %d", len(got), want)
	}
	cancel()
	if err := <-returned; err != nil {
		t.Fatalf("Consume: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return append([]jetstream.Delivery(nil), got...)
}

func TestABatchIsConsumedInOrder(t *testing.T) {
	t.Parallel() // its own server or cluster, on ports of its own
	_, conn := withStream(t)
	a, b := storeMsgs("bj-01", 1, 300), storeMsgs("sh-02", 1, 200)
	var all []jetstream.Msg
	for i := range 300 { // interleaved, as stores publish at once
		all = append(all, a[i])
		if i < len(b) {
			all = append(all, b[i])
		}
	}
	if _, err := conn.Publish(context.Background(), all); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	got := collect(t, conn, "group-a", len(all))
	for i, d := range got {
		if d.StreamSeq != uint64(i+1) || string(d.Data) != string(all[i].Data) || d.Subject != all[i].Subject {
			t.Fatalf("delivery %d: seq %d %s %q, want seq %d %s %q", i, d.StreamSeq, d.Subject, d.Data, i+1, all[i].Subject, all[i].Data)
		}
	}
}

func TestTheSameIDsPublishedTwiceAreStoredOnce(t *testing.T) {
	t.Parallel() // its own server or cluster, on ports of its own
	_, conn := withStream(t)
	if _, err := conn.Publish(context.Background(), storeMsgs("bj-01", 1, 50)); err != nil {
		t.Fatal(err)
	}
	// A store that crashed before recording its ack publishes 31..50 again,
	// then goes on.
	if _, err := conn.Publish(context.Background(), storeMsgs("bj-01", 31, 80)); err != nil {
		t.Fatal(err)
	}
	got := collect(t, conn, "group-a", 80)
	for i, d := range got {
		if want := fmt.Sprintf("bj-01 event %d", i+1); string(d.Data) != want {
			t.Fatalf("message %d is %q, want %q", i, d.Data, want)
		}
	}
	// A second consumer sees the same 80 and nothing more: publish one
	// marker and it is the 81st.
	if _, err := conn.Publish(context.Background(), storeMsgs("bj-01", 81, 81)); err != nil {
		t.Fatal(err)
	}
	again := collect(t, conn, "group-b", 81)
	if last := again[80]; last.StreamSeq != 81 || string(last.Data) != "bj-01 event 81" {
		t.Fatalf("the 81st message is seq %d %q: duplicates were stored", last.StreamSeq, last.Data)
	}
}

func TestConnectFailsFastOnADeadURL(t *testing.T) {
	srv := natstest.Start(t)
	url := srv.URL()
	srv.Stop()
	conn, err := jetstream.Connect(context.Background(), jetstream.Config{URLs: url})
	if err == nil {
		conn.Close()
		t.Fatal("Connect to a stopped server succeeded")
	}
	if _, err := jetstream.Connect(context.Background(), jetstream.Config{URLs: ""}); err == nil {
		t.Fatal("Connect with no URL succeeded")
	}
}

func TestPublishFailsWhileTheServerIsDownAndWorksAfterRestart(t *testing.T) {
	t.Parallel() // its own server or cluster, on ports of its own
	srv := natstest.Start(t)
	conn := connect(t, srv.URL())
	ctx := context.Background()
	if err := conn.EnsureStream(ctx, jetstream.Stream{Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	if acked, err := conn.Publish(ctx, storeMsgs("bj-01", 1, 10)); err != nil || acked != 10 {
		t.Fatalf("Publish: %d acknowledged, %v; want all 10", acked, err)
	}
	srv.Stop()
	// A message sent before the connection noticed the server gone waits
	// for its ack, which never comes: an attempt gives up after a second
	// here (Publish's own bound is ten).
	attempt := func() (int, error) {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		return conn.Publish(ctx, storeMsgs("bj-01", 11, 20))
	}
	if acked, err := attempt(); err == nil || acked != 0 {
		t.Fatalf("Publish with the server stopped: %d acknowledged, %v; want none and an error", acked, err)
	}
	srv.Restart(t)
	// The connection comes back by itself; publishing works again once it
	// has (the publisher retries with a back-off just so).
	var err error
	for range 200 {
		if _, err = attempt(); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("Publish after the restart: %v", err)
	}
	if !conn.Connected() {
		t.Fatal("Connected is false after a publish succeeded")
	}
	got := collect(t, conn, "group-a", 20)
	for i, d := range got {
		if want := fmt.Sprintf("bj-01 event %d", i+1); string(d.Data) != want || d.StreamSeq != uint64(i+1) {
			t.Fatalf("message %d is seq %d %q, want %q: the stopped server acknowledged something", i, d.StreamSeq, d.Data, want)
		}
	}
}

func TestAConsumerResumesWhereItsAcksStopped(t *testing.T) {
	t.Parallel() // its own server or cluster, on ports of its own
	srv := natstest.Start(t)
	conn := connect(t, srv.URL())
	ctx := context.Background()
	if err := conn.EnsureStream(ctx, jetstream.Stream{Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Publish(ctx, storeMsgs("bj-01", 1, 30)); err != nil {
		t.Fatal(err)
	}
	first := collect(t, conn, "group-a", 30)
	if _, err := conn.Publish(ctx, storeMsgs("bj-01", 31, 40)); err != nil {
		t.Fatal(err)
	}
	// The same durable in a new connection (a group process restarted).
	other := connect(t, srv.URL())
	next := collect(t, other, "group-a", 10)
	if len(first) != 30 || next[0].StreamSeq != 31 || next[9].StreamSeq != 40 {
		t.Fatalf("after a restart the consumer began at seq %d, want 31", next[0].StreamSeq)
	}
}

func TestAFailingHandlerIsHandedTheSameMessageAgain(t *testing.T) {
	t.Parallel() // its own server or cluster, on ports of its own
	_, conn := withStream(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := conn.Publish(ctx, storeMsgs("bj-01", 1, 3)); err != nil {
		t.Fatal(err)
	}
	var seen []uint64
	failed := false
	done := make(chan struct{})
	go conn.Consume(ctx, "group-a", func(d jetstream.Delivery) error {
		seen = append(seen, d.StreamSeq)
		if d.StreamSeq == 2 && !failed {
			failed = true
			return errors.New("disk full")
		}
		if d.StreamSeq == 3 {
			close(done)
		}
		return nil
	})
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("handled %v", seen)
	}
	if fmt.Sprint(seen) != "[1 2 2 3]" {
		t.Fatalf("handled %v, want [1 2 2 3]", seen)
	}
}

// A node killed mid-publishing loses nothing the stream acknowledged: the
// publisher retries what failed (with the same ids) and a consumer reads
// every acknowledged message exactly once.
func TestAClusterNodeKilledMidPublishingLosesNothingAcknowledged(t *testing.T) {
	t.Parallel() // its own server or cluster, on ports of its own
	cluster := natstest.StartCluster(t, 3)
	conn := connect(t, cluster.URLs())
	ctx := context.Background()
	var err error
	for range 100 { // the stream's placement waits for the cluster's peers
		if err = conn.EnsureStream(ctx, jetstream.Stream{Replicas: 3}); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("EnsureStream(3): %v", err)
	}
	leader := cluster.StreamLeader(jetstream.StreamName)
	if leader < 0 {
		t.Fatal("the stream has no leader")
	}
	const batches, size = 20, 50
	acked := 0
	failures := 0
	var stopped sync.WaitGroup
	for b := range batches {
		if b == batches/2 {
			// Killed while the next batches are in flight: the stream's leader.
			stopped.Go(cluster.Node(leader).Stop)
		}
		msgs := storeMsgs("bj-01", b*size+1, (b+1)*size)
		for {
			// An attempt whose acks were owed by the killed node gives up
			// after a second, not after Publish's own ten-second ack bound:
			// what it sent may be stored or not, and the retry (the same
			// ids) must leave one copy either way.
			attempt, cancel := context.WithTimeout(ctx, time.Second)
			_, err := conn.Publish(attempt, msgs)
			cancel()
			if err == nil {
				break
			}
			failures++
			if failures > 400 {
				t.Fatalf("publishing never recovered after the node was killed: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		acked += len(msgs)
	}
	stopped.Wait()
	if cluster.Node(leader).Running() {
		t.Fatal("the leader still runs")
	}
	got := collect(t, conn, "group-a", acked)
	seen := map[string]int{}
	last := 0
	for _, d := range got {
		seen[string(d.Data)]++
		// In the store's order: the group skips a message not above the
		// last it applied, so one stored after a later one is lost to it.
		var n int
		if _, err := fmt.Sscanf(string(d.Data), "bj-01 event %d", &n); err != nil {
			t.Fatalf("message %d: %q", d.StreamSeq, d.Data)
		}
		if n <= last {
			t.Errorf("event %d is on the stream after event %d", n, last)
		}
		last = max(last, n)
	}
	for i := 1; i <= acked; i++ {
		if n := seen[fmt.Sprintf("bj-01 event %d", i)]; n != 1 {
			t.Fatalf("event %d is on the stream %d times", i, n)
		}
	}
	t.Logf("%d messages, %d publish attempts failed while the node was down", acked, failures)
}

// A server restarted while a consumer is in the middle of the stream, its
// handler held until the server is back: the consumer carries on from
// where its acks stopped, and the handler sees every message once, in
// stream order.
func TestConsumeKeepsItsOrderAcrossALostConnection(t *testing.T) {
	t.Parallel() // its own server or cluster, on ports of its own
	srv, conn := withStream(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := conn.Publish(ctx, storeMsgs("bj-01", 1, 1500)); err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seqs []uint64
	)
	restart, restarted := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go conn.Consume(ctx, "group-a", func(d jetstream.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		seqs = append(seqs, d.StreamSeq)
		switch len(seqs) {
		case 300:
			close(restart)
			mu.Unlock()
			<-restarted
			mu.Lock()
		case 1500:
			close(done)
		}
		return nil
	})
	<-restart
	srv.Restart(t)
	close(restarted)
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("handled %d of 1500", len(seqs))
	}
	mu.Lock()
	defer mu.Unlock()
	for i, s := range seqs {
		if s != uint64(i+1) {
			t.Fatalf("the %dth message handled is seq %d", i+1, s)
		}
	}
}

// A message over the server's max_payload (a busy store's snapshot over
// NATS's default 1 MB) is refused before anything is sent, with what to
// change; the batch's smaller messages are not half-sent.
func TestAMessageOverMaxPayloadSaysWhatToChange(t *testing.T) {
	t.Parallel() // its own server or cluster, on ports of its own
	_, conn := withStream(t)
	msgs := storeMsgs("bj-01", 1, 2)
	msgs[1].Data = make([]byte, 3<<20/2) // 1.5 MB
	_, err := conn.Publish(context.Background(), msgs)
	if err == nil || !strings.Contains(err.Error(), "max_payload") || !strings.Contains(err.Error(), "1.5 MB") {
		t.Fatalf("a 1.5 MB message: %v", err)
	}
	if _, err := conn.Publish(context.Background(), storeMsgs("bj-01", 3, 3)); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, conn, "group-a", 1); got[0].StreamSeq != 1 || string(got[0].Data) != "bj-01 event 3" {
		t.Fatalf("the stream's first message: %d %q, want the one published after the refusal", got[0].StreamSeq, got[0].Data)
	}
}

// The stream keeps messages for what the group says, a month unless it
// says otherwise, and EnsureStream on a stream already there updates it.
func TestTheStreamKeepsMessagesForTheGroupsTime(t *testing.T) {
	t.Parallel() // its own server or cluster, on ports of its own
	srv := natstest.Start(t)
	conn := connect(t, srv.URL())
	ctx := context.Background()
	for _, tc := range []struct {
		keep, want time.Duration
	}{{0, jetstream.DefaultKeep}, {48 * time.Hour, 48 * time.Hour}} {
		if err := conn.EnsureStream(ctx, jetstream.Stream{Replicas: 1, Keep: tc.keep}); err != nil {
			t.Fatal(err)
		}
		st, err := conn.StreamState(ctx)
		if err != nil || st.Keep != tc.want || st.Replicas != 1 {
			t.Errorf("kept for %v: %+v (%v), want %v", tc.keep, st, err, tc.want)
		}
	}
	if _, err := conn.Publish(ctx, storeMsgs("bj-01", 1, 3)); err != nil {
		t.Fatal(err)
	}
	if st, _ := conn.StreamState(ctx); st.Messages != 3 || st.Bytes == 0 {
		t.Errorf("after three messages: %+v", st)
	}
}
