package web

import (
	"time"

	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// kioskWashRef is a car in the wash bay's queue: whether it is being
// washed, and the next step of its wash the person may take.
type kioskWashRef struct {
	kioskJobRef
	Washing bool         `json:"washing"`
	Action  kiosk.Action `json:"action,omitempty"`
	// Since is when the car came to the wash, or its wash started.
	Since time.Time `json:"since"`
}

// kioskQueues adds to a bay's kiosk answer the queues the signed-in
// person works from there: at a wash bay, the washer's cars whose wash is
// due ("wash"); at any bay, the QC inspector's cars waiting for the final
// inspection ("inspections"). Each is by promised time; a key is absent
// when the person does not work that queue. A washer at another bay gets
// "wash_bays" instead: the names of the bays whose codes open the queue.
func (s *Server) kioskQueues(out map[string]any, st *shop.State, bay *shop.Bay, u *shop.User, reader shop.Actor, now time.Time) {
	if bay.Kind == shop.BayWash && kiosk.Washes(u) {
		wash := []kioskWashRef{}
		for _, j := range st.WashQueue() {
			r := kioskWashRef{kioskJobRef: kioskJobRef{JobStatus: st.JobStatus(j, now).ForReader(reader), Path: s.jobPath(j.ID)},
				Washing: j.Washing(), Action: kiosk.WashAction(st, u, j), Since: j.EnteredStage(shop.StageWashing)}
			if j.WashStartedAt != nil {
				r.Since = *j.WashStartedAt
			}
			wash = append(wash, r)
		}
		out["wash"] = wash
	} else if kiosk.Washes(u) {
		// A washer who scanned another bay's code is told where the
		// wash's queue is, not that they are no technician.
		names := []string{}
		for _, b := range st.WashBays() {
			names = append(names, b.Name)
		}
		out["wash_bays"] = names
	}
	if kiosk.Inspects(st, u) {
		inspections := []kioskJobRef{}
		for _, j := range st.InspectionQueue() {
			inspections = append(inspections, kioskJobRef{JobStatus: st.JobStatus(j, now).ForReader(reader), Path: s.jobPath(j.ID)})
		}
		out["inspections"] = inspections
	}
}
