package wire

import (
	"encoding/json"
	"testing"
	"time"
)

type line struct {
	Name string `json:"name"`
}

type order struct {
	ID      string            `json:"id"`
	Lines   []line            `json:"lines"`
	Tags    []string          `json:"tags,omitempty"`
	Totals  map[string]int    `json:"totals"`
	Nested  struct{ L []int } `json:"nested"`
	Note    *string           `json:"note,omitempty"`
	At      time.Time         `json:"at"`
	Bytes   []byte            `json:"bytes"`
	Escaped string            `json:"escaped"`
}

func TestNilListsAndMapsAreEmpty(t *testing.T) {
	at := time.Date(2026, 12, 5, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	got, err := Marshal(order{ID: "J1", At: at, Escaped: "<a&b>"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"J1","lines":[],"totals":{},"nested":{"L":[]},"at":"2026-12-05T09:30:00+08:00","bytes":"","escaped":"\u003ca\u0026b\u003e"}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	top, err := Marshal([]line(nil))
	if err != nil || string(top) != "[]" {
		t.Fatalf("a nil list on its own: %s, %v", top, err)
	}
}

// Anything that is not a nil list or map encodes as encoding/json has it,
// so the pages and API clients see the same JSON as before.
func TestSameAsEncodingJSONOtherwise(t *testing.T) {
	note := "再来 ☺"
	at := time.Date(2026, 12, 5, 9, 30, 0, 123, time.UTC)
	for _, v := range []any{
		order{ID: "J2", Lines: []line{{"机油"}}, Tags: []string{"a"}, Totals: map[string]int{"b": 2, "a": 1}, Nested: struct{ L []int }{[]int{3}}, Note: &note, At: at, Bytes: []byte{1, 2}},
		map[string]any{"x": 1.5, "y": []any{"s", true, nil}},
		struct {
			N float64 `json:"n,string"`
			D time.Duration
		}{1e21, time.Second},
	} {
		got, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(v)
		if string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}
