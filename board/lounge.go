package board

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"bayboard/internal/shop"
)

// The lounge TV (客户休息区) faces customers. Its rows are built field by
// field from what a stranger may see: the plate masked (京A·***45), the
// model, where the car stands in words and colour, and when it should be
// ready. No customer name, phone, full plate, price, note, job number or
// staff-only flag (key customer, priority, rework, late) is ever copied
// into it; the simulated-day test checks every lounge message for them.

type loungeHead struct {
	common
	// Message is the shop's line for its customers, set by the manager.
	Message string `json:"message"`
}

// loungeCar is one car as the lounge shows it.
type loungeCar struct {
	// Key identifies the row between messages; it is derived from the job
	// with a key that changes at every start, so it tells nothing.
	Key    string `json:"id"`
	Plate  string `json:"plate"`
	Model  string `json:"model"`
	Phase  string `json:"phase"`
	Colour string `json:"colour"`
	ETA    minute `json:"eta"`
}

func (r loungeCar) rowKey() string { return r.Key }

// Customer phases and their colours (seed 002: red = waiting, yellow = being
// repaired, green = nearly done or ready).
const (
	PhaseCheckedIn = "checked_in"
	PhaseWaiting   = "waiting"
	PhaseRepair    = "repair"
	PhaseParts     = "parts"
	PhaseApproval  = "approval"
	PhaseChecking  = "checking"
	PhaseWashing   = "washing"
	PhaseReady     = "ready"

	ColourRed    = "red"
	ColourYellow = "yellow"
	ColourGreen  = "green"
)

// Phases lists every customer phase, for the message catalogs.
var Phases = []string{PhaseCheckedIn, PhaseWaiting, PhaseRepair, PhaseParts, PhaseApproval, PhaseChecking, PhaseWashing, PhaseReady}

// phaseOf says a stage in the customer's words. A break is not the
// customer's concern: the car is still being repaired.
func phaseOf(s shop.Stage) (phase, colour string) {
	switch s {
	case shop.StageReception:
		return PhaseCheckedIn, ColourRed
	case shop.StageWaitingDispatch, shop.StageDispatched:
		return PhaseWaiting, ColourRed
	case shop.StageInProgress, shop.StagePaused:
		return PhaseRepair, ColourYellow
	case shop.StageWaitingParts:
		return PhaseParts, ColourRed
	case shop.StageWaitingApproval:
		return PhaseApproval, ColourRed
	case shop.StageQualityCheck:
		return PhaseChecking, ColourGreen
	case shop.StageWashing:
		return PhaseWashing, ColourGreen
	}
	return PhaseReady, ColourGreen
}

func loungeView(sc *scene) model {
	st, w, loc := sc.state, sc.workshop, sc.state.Loc
	head := loungeHead{common: commonOf(st), Message: st.Settings.LoungeMessage}
	cars := make([]loungeCar, 0, len(w.Jobs))
	for i := range w.Jobs {
		js := &w.Jobs[i]
		phase, colour := phaseOf(js.Job.Stage)
		cars = append(cars, loungeCar{Key: loungeKey(sc.loungeKey, js.Job.ID), Plate: shop.MaskPlate(js.Plate), Model: js.Model,
			Phase: phase, Colour: colour, ETA: roughly(js.Progress.ETA, loc)})
	}
	// By the plate's last characters, the ones the mask leaves (…45 before
	// …57): a customer knows their own, and the board says it is sorted so.
	// An order by time would move a car up the list as its ETA changed.
	sort.SliceStable(cars, func(a, b int) bool {
		ta, tb := plateTail(cars[a].Plate), plateTail(cars[b].Plate)
		if ta != tb {
			return ta < tb
		}
		if cars[a].Plate != cars[b].Plate {
			return cars[a].Plate < cars[b].Plate
		}
		return cars[a].Key < cars[b].Key
	})
	return model{head: head, lists: []list{rowsOf("cars", cars)}}
}

// roughly rounds an ETA up to five minutes: a customer wants to know
// "about ten to eleven", and a time that crept forward every minute would
// look like the shop was slipping.
// plateTail is the last characters a masked plate shows, after its
// stars and separators: 京A·***45 → 45.
func plateTail(masked string) string {
	i := strings.LastIndexAny(masked, "*·- ")
	return masked[i+1:]
}

func roughly(eta time.Time, loc *time.Location) minute {
	if eta.IsZero() {
		return minute{}
	}
	r := eta.Truncate(5 * time.Minute)
	if r.Before(eta) {
		r = r.Add(5 * time.Minute)
	}
	return minuteOf(r, loc)
}

func loungeKey(key []byte, jobID string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(jobID))
	return hex.EncodeToString(m.Sum(nil)[:6])
}
