package shop

import (
	"encoding/json"
	"testing"
	"time"
)

// The fuzz targets' seeds are committed in testdata/fuzz/<target>/ besides
// the ones added here; `go test` runs every seed, `go test -fuzz` grows them.

// snapshot is everything a state holds, as JSON (maps in key order), to
// compare a state before and after a command.
func snapshot(t *testing.T, s *State) string {
	t.Helper()
	b, err := json.Marshal(struct {
		Settings      Settings
		Bays          map[string]*Bay
		Teams         map[string]*Team
		Technicians   map[string]*Technician
		Users         map[string]*User
		Customers     map[string]*Customer
		Vehicles      map[string]*Vehicle
		Appointments  map[string]*Appointment
		Jobs          map[string]*Job
		PartsRequests map[string]*PartsRequest
		Findings      map[string]*Finding
		Counters      map[string]int
		Operations    map[string]*Operation
		CatalogParts  map[string]*CatalogPart
	}{s.Settings, s.Bays, s.Teams, s.Technicians, s.Users, s.Customers, s.Vehicles, s.Appointments,
		s.Jobs, s.PartsRequests, s.Findings, s.Counters, s.Operations, s.CatalogParts})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fuzzShop is the fixture with work under way, so that fuzzed commands
// reach past their lookups: job 20261123-0001 in progress with a part
// issued (pr-1, against the advisor's allowance pa-1 as ip-1) and a finding awaiting the customer (fi-1), job
// 20261123-0002 in reception, and a booked appointment (ap-1).
func fuzzShop(t *testing.T) *State {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Pause{JobID: j.ID, Reason: PauseWaitingParts, Parts: []PartItem{{Number: "58101-C1A00", Description: "刹车片", Quantity: 1}}})
	f.issueRequest(t, t0, "pr-1") // allowance pa-1, issue ip-1
	f.must(t, tech, &Resume{JobRef: JobRef{j.ID}})
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "刹车盘磨损", Hours: 1}})
	f.send(t, "fi-1", 50000)
	f.must(t, system, &PutCustomer{Customer: Customer{Name: "Ms Lee", Phone: "13912345678", Key: true}})
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-2", Plate: "沪B·88888", VIN: "1M8GDM9AXKP042788"}})
	f.must(t, advisor, &OpenJob{CustomerID: "cu-2", VehicleID: "ve-2", Estimate: Estimate{Requests: "tyres", PromisedAt: t0.Add(time.Hour)}})
	f.must(t, advisor, &BookAppointment{At: t0.Add(24 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养", AdvisorID: "user-1"})
	return f.state
}

// applyChecked applies a command for an actor to a draft of base and checks
// the rule every command keeps: a refused command leaves the draft as it
// was, and no command, accepted or not, touches the published state.
func applyChecked(t *testing.T, base *State, a Actor, c Command) (*State, error) {
	t.Helper()
	before := snapshot(t, base)
	d := NewDraft(base)
	_, err := d.Apply(a, c, t0)
	if err != nil {
		if !d.Empty() || len(d.Records()) != 0 {
			t.Fatalf("refused %s left changes in the draft: %v", c.CommandType(), err)
		}
		if after := snapshot(t, d.Publish()); after != before {
			t.Fatalf("refused %s changed the state: %v\nbefore %s\nafter  %s", c.CommandType(), err, before, after)
		}
	}
	next := d.Publish()
	if after := snapshot(t, base); after != before {
		t.Fatalf("%s changed the published state in place (err %v)", c.CommandType(), err)
	}
	return next, err
}

// FuzzDecodeCommand feeds arbitrary bytes to the decoder and applies what
// decodes, as every kind of actor, to a shop with work under way: nothing
// may panic, a decoding failure is an invalid request, and a refused
// command changes no state.
func FuzzDecodeCommand(f *testing.F) {
	for _, seed := range []string{
		`{"type":"submit","job_id":"20261123-0002"}`,
		`{"type":"clock_on","job_id":"20261123-0001","tech_id":"tech-1"}`,
		`{"type":"pause","job_id":"20261123-0001","reason":"waiting_parts","parts":[{"description":"刹车片","quantity":2}]}`,
		`{"type":"dispatch","job_id":"20261123-0002","team_id":"team-1","tech_ids":["tech-2"],"bay_id":"bay-1"}`,
		`{"type":"open_job","customer_id":"cu-1","vehicle_id":"ve-1","requests":"x","promised_at":"2026-11-23T12:00:00Z"}`,
		`{"type":"put_vehicle","vehicle":{"customer_id":"cu-1","plate":"京A·54321","vin":"1M8GDM9AXKP042788"}}`,
		`{"type":"update_parts","request_id":"pr-1","status":"on_order","eta":"2026-11-24T09:00:00Z"}`,
		`{"type":"qc","job_id":"20261123-0001","step":"final","pass":false}`,
		`{"type":"issue_part","job_id":"20261123-0001","number":"58101-C1A00","quantity":1,"allowance_id":"pa-1"}`,
		`{"type":"return_part","job_id":"20261123-0001","issue_id":"ip-1","quantity":0.5}`,
		`{"type":"allow_part","job_id":"20261123-0001","number":"58101-C1A00","quantity":1,"reason":"x","consent":{"via":"phone"}}`,
		`{"type":"decide_finding","finding_id":"fi-1","approve":true,"via":"phone"}`,
		`{"type":"deliver","job_id":"20261123-0001","paid":100,"payment_method":"cash"}`,
		`{"type":"set_settings","settings":{"name":"x"}}`,
		`{"type":"submit","job_id":1e999}`,
		`[]`, `null`, `{"type":null}`,
	} {
		f.Add([]byte(seed))
	}
	base := fuzzShop(&testing.T{})
	actors := []Actor{system, advisor, tech, lead, qc, clerk, {Customer: true, CustomerJob: "20261123-0001"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCommand(data)
		if err != nil {
			if CodeOf(err) != CodeInvalid {
				t.Fatalf("decode error without the invalid code: %v", err)
			}
			return
		}
		for _, a := range actors {
			applyChecked(t, base, a, c)
		}
	})
}

// The parsers are fuzzed through the commands that use them: a value the
// parser refuses is refused by the command with the field named and no
// change; a value it accepts is stored in its parsed form, which parses
// to itself.

func FuzzParsePlate(f *testing.F) {
	for _, s := range []string{"京A12345", "京A·1234学", "粤BD12345", "AB12 CDE", "京A·***45", "", "京", "沪B·88888"} {
		f.Add(s)
	}
	base := fuzzShop(&testing.T{})
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := ParsePlate(in)
		if ok {
			if again, ok := ParsePlate(out); !ok || again != out {
				t.Fatalf("ParsePlate(%q) = %q, which parses to %q, %v", in, out, again, ok)
			}
			MaskPlate(out)
		}
		next, err := applyChecked(t, base, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-1", Plate: in}})
		switch {
		case !ok && !hasField(err, "vehicle.plate"):
			t.Fatalf("plate %q refused by the parser, but the command says %v", in, err)
		case ok && err == nil && next.VehicleByPlate(out) == nil:
			t.Fatalf("plate %q accepted, but no vehicle has %q", in, out)
		case ok && err != nil && base.VehicleByPlate(out) == nil:
			t.Fatalf("plate %q (%q), on no other vehicle, refused: %v", in, out, err)
		}
	})
}

func FuzzParseVIN(f *testing.F) {
	for _, s := range []string{"1M8GDM9AXKP042788", "LSVAG2180E2100001", "", "IIIIIIIIIIIIIIIII"} {
		f.Add(s)
	}
	base := fuzzShop(&testing.T{})
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := ParseVIN(in)
		if ok {
			if again, ok := ParseVIN(out); !ok || again != out {
				t.Fatalf("ParseVIN(%q) = %q, not stable", in, out)
			}
		}
		if in == "" {
			return // no VIN is allowed: not every car's is known
		}
		next, err := applyChecked(t, base, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-1", Plate: "京C·24680", VIN: in}})
		switch {
		case !ok && !hasField(err, "vehicle.vin"):
			t.Fatalf("VIN %q refused by the parser, but the command says %v", in, err)
		case ok && err != nil:
			t.Fatalf("VIN %q (%q) refused: %v", in, out, err)
		case ok && next.VehicleByPlate("京C·24680").VIN != out:
			t.Fatalf("VIN %q stored as %q, want %q", in, next.VehicleByPlate("京C·24680").VIN, out)
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"138 1234 5678", "+86 13812345678", "010-12345678", "+44 20 7946 0958", "+", ""} {
		f.Add(s)
	}
	base := fuzzShop(&testing.T{})
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := ParsePhone(in)
		if ok {
			if again, ok := ParsePhone(out); !ok || again != out {
				t.Fatalf("ParsePhone(%q) = %q, not stable (%q)", in, out, again)
			}
		}
		next, err := applyChecked(t, base, system, &PutCustomer{Customer: Customer{ID: "cu-1", Name: "张先生", Phone: in}})
		switch {
		case !ok && !hasField(err, "customer.phone"):
			t.Fatalf("phone %q refused by the parser, but the command says %v", in, err)
		case ok && err != nil:
			t.Fatalf("phone %q (%q) refused: %v", in, out, err)
		case ok && next.Customers["cu-1"].Phone != out:
			t.Fatalf("phone %q stored as %q, want %q", in, next.Customers["cu-1"].Phone, out)
		}
	})
}

// hasField reports whether err is an invalid request naming field.
func hasField(err error, field string) bool {
	e, ok := err.(*Error)
	if !ok || e.Code != CodeInvalid {
		return false
	}
	for _, fe := range e.Fields {
		if fe.Field == field {
			return true
		}
	}
	return false
}
