package shop

import (
	"testing"
)

// FuzzDecodeCommand feeds arbitrary bytes to the decoder and applies what
// decodes to a small shop: nothing may panic, and a refused command must
// leave the draft without a change.
func FuzzDecodeCommand(f *testing.F) {
	for _, seed := range []string{
		`{"type":"submit","job_id":"20261123-0001"}`,
		`{"type":"clock_on","job_id":"20261123-0001","tech_id":"tech-1"}`,
		`{"type":"pause","job_id":"20261123-0001","reason":"waiting_parts","parts":[{"description":"刹车片","quantity":2}]}`,
		`{"type":"dispatch","job_id":"20261123-0001","team_id":"team-1","tech_ids":["tech-1"],"bay_id":"bay-1"}`,
		`{"type":"open_job","customer_id":"cu-1","vehicle_id":"ve-1","requests":"x","promised_at":"2026-11-23T12:00:00Z"}`,
		`{"type":"put_vehicle","vehicle":{"customer_id":"cu-1","plate":"京A·54321","vin":"1M8GDM9AXKP042788"}}`,
		`{"type":"update_parts","request_id":"pr-1","status":"on_order","eta":"2026-11-24T09:00:00Z"}`,
		`{"type":"qc","job_id":"20261123-0001","step":"final","pass":false}`,
		`{"type":"decide_finding","finding_id":"fi-1","approve":true,"via":"phone"}`,
		`{"type":"set_settings","settings":{"name":"x"}}`,
		`{"type":"submit","job_id":1e999}`,
		`[]`, `null`, `{"type":null}`,
	} {
		f.Add([]byte(seed))
	}
	base := newFixture(&testing.T{})
	base.openJob(&testing.T{})
	actors := []Actor{system, advisor, tech, lead, qc, {Customer: true, CustomerJob: "20261123-0001"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCommand(data)
		if err != nil {
			if CodeOf(err) != CodeInvalid {
				t.Fatalf("decode error without the invalid code: %v", err)
			}
			return
		}
		for _, a := range actors {
			d := NewDraft(base.state)
			if _, err := d.Apply(a, c, t0); err != nil {
				if !d.Empty() || len(d.Records()) != 0 {
					t.Fatalf("refused %s left changes: %v", c.CommandType(), err)
				}
				continue
			}
			d.Publish()
		}
	})
}

func FuzzParsePlate(f *testing.F) {
	for _, s := range []string{"京A12345", "京A·1234学", "粤BD12345", "AB12 CDE", "京A·***45", "", "京"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := ParsePlate(in)
		if !ok {
			return
		}
		again, ok := ParsePlate(out)
		if !ok || again != out {
			t.Fatalf("ParsePlate(%q) = %q, which parses to %q, %v", in, out, again, ok)
		}
		MaskPlate(out)
	})
}

func FuzzParseVIN(f *testing.F) {
	for _, s := range []string{"1M8GDM9AXKP042788", "LSVAG2180E2100001", "", "IIIIIIIIIIIIIIIII"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if out, ok := ParseVIN(in); ok {
			if again, ok := ParseVIN(out); !ok || again != out {
				t.Fatalf("ParseVIN(%q) = %q, not stable", in, out)
			}
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"138 1234 5678", "+86 13812345678", "010-12345678", "+44 20 7946 0958", "+", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if out, ok := ParsePhone(in); ok {
			if again, ok := ParsePhone(out); !ok || again != out {
				t.Fatalf("ParsePhone(%q) = %q, not stable (%q)", in, out, again)
			}
		}
	})
}
