package board

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
)

type testRow struct {
	ID string `json:"id"`
	V  int    `json:"v"`
}

func (r testRow) rowKey() string { return r.ID }

func testModel(head int, rows ...testRow) model {
	return model{head: map[string]int{"n": head}, lists: []list{rowsOf("a", rows), rowsOf("b", []testRow{{ID: "fixed"}})}}
}

func mustEncode(t *testing.T, m model) *frame {
	t.Helper()
	f, err := m.encode()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDiffSendsOnlyWhatChanged(t *testing.T) {
	base := testModel(1, testRow{"x", 1}, testRow{"y", 2}, testRow{"z", 3})
	cases := []struct {
		name string
		next model
		want string
	}{
		{"nothing", testModel(1, testRow{"x", 1}, testRow{"y", 2}, testRow{"z", 3}), ""},
		{"head", testModel(2, testRow{"x", 1}, testRow{"y", 2}, testRow{"z", 3}), `{"head":{"n":2}}`},
		{"one row", testModel(1, testRow{"x", 1}, testRow{"y", 5}, testRow{"z", 3}), `{"lists":{"a":{"upsert":[{"id":"y","v":5}]}}}`},
		{"removal keeps order", testModel(1, testRow{"x", 1}, testRow{"z", 3}), `{"lists":{"a":{"remove":["y"]}}}`},
		{"new row sends order", testModel(1, testRow{"w", 0}, testRow{"x", 1}, testRow{"y", 2}, testRow{"z", 3}),
			`{"lists":{"a":{"upsert":[{"id":"w","v":0}],"order":["w","x","y","z"]}}}`},
		{"reorder", testModel(1, testRow{"z", 3}, testRow{"x", 1}, testRow{"y", 2}), `{"lists":{"a":{"order":["z","x","y"]}}}`},
		{"head and rows", testModel(3, testRow{"x", 9}), `{"head":{"n":3},"lists":{"a":{"upsert":[{"id":"x","v":9}],"remove":["y","z"]}}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := diff(mustEncode(t, base), mustEncode(t, c.next))
			if string(got) != c.want {
				t.Errorf("diff\n got %s\nwant %s", got, c.want)
			}
			if got != nil && !json.Valid(got) {
				t.Errorf("diff is not JSON: %s", got)
			}
		})
	}
}

func TestDuplicateKeysAreAnError(t *testing.T) {
	if _, err := testModel(1, testRow{"x", 1}, testRow{"x", 2}).encode(); err == nil {
		t.Error("a list with a key twice encoded")
	}
}

// Applying every diff to a replica of the first snapshot gives the last
// snapshot, whatever the changes were.
func TestReplicaFollowsRandomChanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	randomModel := func() model {
		var rows []testRow
		for _, k := range rng.Perm(12)[:rng.IntN(12)] {
			rows = append(rows, testRow{fmt.Sprint("k", k), rng.IntN(3)})
		}
		return testModel(rng.IntN(2), rows...)
	}
	prev := mustEncode(t, randomModel())
	var r Replica
	if err := r.Apply(Envelope{Type: TypeSnapshot, Epoch: "e", Seq: 0, Data: prev.snapshot()}); err != nil {
		t.Fatal(err)
	}
	seq := uint64(0)
	for range 2000 {
		next := mustEncode(t, randomModel())
		if d := diff(prev, next); d != nil {
			seq++
			if err := r.Apply(Envelope{Type: TypeChange, Epoch: "e", Seq: seq, Data: d}); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := string(r.Snapshot()), string(next.snapshot()); got != want {
			t.Fatalf("replica\n got %s\nwant %s", got, want)
		}
		prev = next
	}
	if err := r.Apply(Envelope{Type: TypeChange, Epoch: "e", Seq: seq + 2, Data: json.RawMessage(`{}`)}); err != ErrGap {
		t.Errorf("a skipped seq: %v, want ErrGap", err)
	}
}

func TestRingKeepsTheLatestChanges(t *testing.T) {
	r := newRing(4)
	for seq := uint64(1); seq <= 10; seq++ {
		r.push(&message{seq: seq})
	}
	cases := []struct {
		since uint64
		want  []uint64
		ok    bool
	}{
		{10, nil, true},
		{9, []uint64{10}, true},
		{6, []uint64{7, 8, 9, 10}, true},
		{5, nil, false},
		{0, nil, false},
		{11, nil, false},
	}
	for _, c := range cases {
		got, ok := r.since(c.since, 10)
		var seqs []uint64
		for _, m := range got {
			seqs = append(seqs, m.seq)
		}
		if ok != c.ok || fmt.Sprint(seqs) != fmt.Sprint(c.want) {
			t.Errorf("since(%d) = %v %v, want %v %v", c.since, seqs, ok, c.want, c.ok)
		}
	}
}

func TestParseResume(t *testing.T) {
	cases := []struct {
		epoch, seq string
		want       Resume
	}{
		{"", "", Resume{}},
		{"abc", "12", Resume{"abc", 12}},
		{"abc", "-1", Resume{}},
		{"abc", "x", Resume{}},
		{"", "12", Resume{}},
	}
	for _, c := range cases {
		if got := ParseResume(c.epoch, c.seq); got != c.want {
			t.Errorf("ParseResume(%q, %q) = %v, want %v", c.epoch, c.seq, got, c.want)
		}
	}
}
