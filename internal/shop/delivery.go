package shop

import "time"

// CurrentQC returns the QC results since the job last went to quality check.
func (j *Job) CurrentQC() []QCResult {
	for i := len(j.QC) - 1; i >= 0; i-- {
		if j.QC[i].Step == QCSelf {
			return j.QC[i:]
		}
	}
	return nil
}

// QC records the team leader's check or the final inspection. A failure
// sends the job back to work as rework.
type QC struct {
	kind
	JobID  string `json:"job_id"`
	Step   QCStep `json:"step"`
	Pass   bool   `json:"pass"`
	Reason string `json:"reason,omitempty"`
	// Notes and Recommendations are the team leader's at the team check
	// (teamcheck.go): notes for the advisor, work for the car's next visit.
	Notes           string                `json:"notes,omitempty"`
	Recommendations []RecommendationInput `json:"recommendations,omitempty"`
}

func (c *QC) CommandType() string { return "qc" }

func (c *QC) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if c.Step != QCTeam && c.Step != QCFinal {
		p.add("step", "must be team or final")
	}
	checkText(&p, "reason", c.Reason, maxText, !c.Pass)
	c.checkTeamNotes(&p)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	j.QC = append(j.QC, QCResult{Step: c.Step, Pass: c.Pass, Reason: c.Reason, Notes: c.Notes, By: actorName(a), At: now})
	c.recordTeamRecommendations(d, a, j, now)
	switch {
	case !c.Pass:
		j.Reworks++
		if busy := d.bayTakenBy(j.BayID, j.ID); j.BayID == "" || busy != "" {
			// The bay has a new car: the rework waits, first in the queue.
			j.BayID, j.Priority = "", max(j.Priority, 8)
			err = j.moveTo(StageWaitingDispatch, now)
		} else {
			err = j.moveTo(StageDispatched, now)
		}
	case c.Step == QCFinal && j.Wash:
		j.WashStartedAt = nil // the car waits for the washer
		err = j.moveTo(StageWashing, now)
	case c.Step == QCFinal:
		err = j.moveTo(StageReady, now)
	}
	if err != nil {
		return result{}, err
	}
	return jobResult(j), nil
}

// WashDone marks the car washed and ready.
type WashDone struct {
	kind
	JobRef
}

func (c *WashDone) CommandType() string { return "wash_done" }

func (c *WashDone) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	return moveJob(d, c.JobID, StageReady, now)
}

// Deliver hands the car back to the customer: the checklist, the
// settlement explained, the payment, and the next service due.
type Deliver struct {
	kind
	JobID         string     `json:"job_id"`
	NextServiceAt *time.Time `json:"next_service_at,omitempty"`
	NextServiceKM int        `json:"next_service_km,omitempty"`
	WorkShown     bool       `json:"work_shown"`
	OldPartsShown bool       `json:"old_parts_shown"`
	CarClean      bool       `json:"car_clean"`
	SeatRestored  bool       `json:"seat_restored"`
	Explanation   string     `json:"explanation,omitempty"`
	Paid          Money      `json:"paid"`
	PaymentMethod string     `json:"payment_method,omitempty"` // cash, card, wechat, alipay, transfer, account
}

func (c *Deliver) CommandType() string { return "deliver" }

func (c *Deliver) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if c.NextServiceKM < 0 || c.NextServiceKM > 3_000_000 {
		return result{}, (&problems{{Field: "next_service_km", Message: "must be between 0 and 3000000"}}).err()
	}
	var p problems
	if c.NextServiceAt != nil && !c.NextServiceAt.After(now) {
		p.add("next_service_at", "must be in the future")
	}
	// The next service is further on than the car has come: a reading at
	// or below this visit's would fall due at once.
	if j := d.jobs.get(c.JobID); j != nil && c.NextServiceKM > 0 && c.NextServiceKM <= j.WalkAround.MileageKM {
		p.add("next_service_km", "must be more than the %d km the car had at this visit", j.WalkAround.MileageKM)
	}
	checkText(&p, "explanation", c.Explanation, maxText, false)
	checkMoney(&p, "paid", c.Paid, MaxJobTotal)
	switch c.PaymentMethod {
	case "", "cash", "card", "wechat", "alipay", "transfer", "account":
	default:
		p.add("payment_method", "must be cash, card, wechat, alipay, transfer or account")
	}
	if c.Paid > 0 && c.PaymentMethod == "" {
		p.add("payment_method", "is required with a payment")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	r, err := moveJob(d, c.JobID, StageDelivered, now)
	if err != nil {
		return r, err
	}
	j := d.jobs.get(c.JobID)
	j.NextServiceAt, j.NextServiceKM = c.NextServiceAt, c.NextServiceKM
	s := j.Settlement()
	j.Delivery = &Delivery{WorkShown: c.WorkShown, OldPartsShown: c.OldPartsShown, CarClean: c.CarClean, SeatRestored: c.SeatRestored,
		Explanation: c.Explanation, Total: s.Gross, Due: s.CustomerDue, Paid: c.Paid, PaymentMethod: c.PaymentMethod, At: now, By: actorName(a)}
	// The customer pays their share: their lines less the discounts, not
	// what the warranty, an insurer or the dealer pays. Less is taken only
	// with the rest on their account (挂账), more never (change is given).
	var why problems
	switch {
	case c.Paid > s.CustomerDue:
		why.add("paid", "is more than the customer's share")
	case c.Paid < s.CustomerDue && c.PaymentMethod != "account":
		why.add("paid", "must be the customer's share, or less with the rest on account")
	}
	// The 费用解释: what the customer pays, or the work done, is not what
	// they signed for.
	if (s.Gross != j.Estimated.Total || s.CustomerDue != j.Estimated.Total) && c.Explanation == "" {
		why.add("explanation", "explain why the settlement differs from the estimate")
	}
	if err := why.err(); err != nil {
		return result{}, err
	}
	scheduleService(d, j, c.NextServiceAt, c.NextServiceKM, now)
	return r, nil
}
