package shop

import (
	"slices"
	"testing"
)

// A technician whose car is paused on their bay (waiting for parts, for
// the customer's approval, or stopped for a while) still holds it: the
// workshop does not list them as free until the car leaves them.
func TestATechnicianHoldingAPausedCarIsNotFree(t *testing.T) {
	for _, reason := range []PauseReason{PauseWaitingParts, PauseOther, PauseBreak} {
		t.Run(string(reason), func(t *testing.T) {
			f := newFixture(t)
			j := f.dispatchedJob(t, "tech-1")
			name := f.state.Technicians["tech-1"].Name
			f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
			pause := &Pause{JobID: j.ID, Reason: reason, Note: "等料"}
			if reason == PauseWaitingParts {
				pause.Parts = []PartItem{{Description: "前刹车片", Quantity: 1}}
			}
			f.must(t, tech, pause)
			w := f.state.Workshop(t0)
			if slices.Contains(w.FreeTechs, name) {
				t.Errorf("%s holds a paused car (%s) and is listed free: %v", name, f.state.Jobs[j.ID].Stage, w.FreeTechs)
			}
			if w.Counts.TechsFree != len(w.FreeTechs) || w.Counts.TechsFree != w.Counts.TechsTotal-1 {
				t.Errorf("free %d of %d, listed %v", w.Counts.TechsFree, w.Counts.TechsTotal, w.FreeTechs)
			}
			f.must(t, tech, &Resume{JobRef: JobRef{j.ID}})
			f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
			if w := f.state.Workshop(t0); !slices.Contains(w.FreeTechs, name) {
				t.Errorf("%s finished the car and is not free: %v", name, w.FreeTechs)
			}
		})
	}
}
