package shop

import (
	"fmt"
	"strings"
)

// Stage is where a job stands in the service process. The identifiers are
// stable English words used by the API; screens translate them.
type Stage string

const (
	StageReception       Stage = "reception"
	StageWaitingDispatch Stage = "waiting_dispatch"
	StageDispatched      Stage = "dispatched"
	StageInProgress      Stage = "in_progress"
	StageWaitingParts    Stage = "waiting_parts"
	StageWaitingApproval Stage = "waiting_approval"
	StagePaused          Stage = "paused" // break or other reason
	StageQualityCheck    Stage = "quality_check"
	StageWashing         Stage = "washing"
	StageReady           Stage = "ready"
	StageDelivered       Stage = "delivered"
	StageCancelled       Stage = "cancelled"
)

// Stages lists every stage in process order.
var Stages = []Stage{
	StageReception, StageWaitingDispatch, StageDispatched, StageInProgress,
	StageWaitingParts, StageWaitingApproval, StagePaused, StageQualityCheck,
	StageWashing, StageReady, StageDelivered, StageCancelled,
}

// moves is the service process as a graph: from each stage, the stages a job
// may move to. A failed quality check sends the job back as rework: to its
// bay and technicians (dispatched) when the bay is still free, otherwise to
// the front of the dispatch queue. Washing is skipped when the customer
// declined the wash.
var moves = map[Stage][]Stage{
	StageReception:       {StageWaitingDispatch, StageCancelled},
	StageWaitingDispatch: {StageDispatched, StageCancelled},
	StageDispatched:      {StageInProgress, StageWaitingDispatch, StageCancelled},
	StageInProgress:      {StageWaitingParts, StageWaitingApproval, StagePaused, StageQualityCheck},
	StageWaitingParts:    {StageInProgress, StageCancelled},
	StageWaitingApproval: {StageInProgress, StageCancelled},
	StagePaused:          {StageInProgress},
	StageQualityCheck:    {StageDispatched, StageWaitingDispatch, StageWashing, StageReady},
	StageWashing:         {StageReady},
	StageReady:           {StageDelivered},
	StageDelivered:       nil,
	StageCancelled:       nil,
}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { _, ok := moves[s]; return ok }

// Open reports whether a job in this stage is still in the shop's hands.
func (s Stage) Open() bool { return s != StageDelivered && s != StageCancelled }

// Paused reports whether the work is stopped for a reason.
func (s Stage) Paused() bool {
	return s == StageWaitingParts || s == StageWaitingApproval || s == StagePaused
}

// Working reports whether technicians are (or should be) on the car.
func (s Stage) Working() bool { return s == StageInProgress }

// MovesFrom returns the stages a job may move to from s.
func MovesFrom(s Stage) []Stage { return moves[s] }

// CanMove reports whether from → to is a legal move.
func CanMove(from, to Stage) bool {
	for _, s := range moves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// IllegalMoveError says a job cannot go from one stage to another, and where
// it can go instead.
type IllegalMoveError struct {
	From, To Stage
	Allowed  []Stage
	// Action names what was asked when it is not a move to one stage
	// (a QC step whose outcome decides the stage): "have its final inspection".
	Action string
}

func (e *IllegalMoveError) Error() string {
	if len(e.Allowed) == 0 {
		return fmt.Sprintf("a job in stage %s cannot move any more (it is closed)", e.From)
	}
	names := make([]string, len(e.Allowed))
	for i, s := range e.Allowed {
		names[i] = string(s)
	}
	asked := "move to " + string(e.To)
	if e.Action != "" {
		asked = e.Action
	}
	return fmt.Sprintf("a job in stage %s cannot %s; allowed: %s", e.From, asked, strings.Join(names, ", "))
}

func checkMove(from, to Stage) error {
	if !CanMove(from, to) {
		return &IllegalMoveError{From: from, To: to, Allowed: moves[from]}
	}
	return nil
}
