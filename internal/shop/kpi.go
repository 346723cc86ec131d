package shop

import (
	"sort"
	"time"
)

// KPIs are the figures the seeds name, for one period. Rates are fractions
// (0.03 is 3%); a rate with nothing to count is zero, with its count zero.
type KPIs struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`

	Delivered        int     `json:"delivered"`
	OnTime           float64 `json:"on_time"`           // ready by the promised time last agreed
	OnTimeSigned     float64 `json:"on_time_signed"`    // ready by the promised time signed at reception
	ReAgreed         int     `json:"re_agreed"`         // delivered with a promised time agreed again after signing
	ReworkRate       float64 `json:"rework_rate"`       // failed a quality check (target ≤ 3%)
	Comebacks        int     `json:"comebacks"`         // comebacks (返修) opened in the period
	ComebackRate     float64 `json:"comeback_rate"`     // comebacks opened over jobs delivered (target ≤ 3%)
	FirstTimeFix     float64 `json:"first_time_fix"`    // neither rework nor comeback
	EstimateAccuracy float64 `json:"estimate_accuracy"` // settled within ±10% of the signed estimate
	EstimateRatio    float64 `json:"estimate_ratio"`    // settled total over signed total
	Opened           int     `json:"opened"`
	AppointmentShare float64 `json:"appointment_share"` // jobs opened from an appointment
	Appointments     int     `json:"appointments"`      // due in the period, not cancelled
	NoShowRate       float64 `json:"no_show_rate"`
	FollowUpIn3Days  float64 `json:"follow_up_in_3_days"` // of deliveries at least 3 days old or followed up
	OpenComplaints   int     `json:"open_complaints"`
	PartsWaitHours   float64 `json:"parts_wait_hours"`
	SoldHours        float64 `json:"sold_hours"`
	ClockedHours     float64 `json:"clocked_hours"`
	Efficiency       float64 `json:"efficiency"`      // sold over clocked hours
	BayUtilisation   float64 `json:"bay_utilisation"` // time jobs held bays over bays × opening hours

	// Technicians and Bays break efficiency and utilisation down, for the
	// KPI page's charts; ordered by id, names filled in by the caller.
	Technicians []TechnicianKPI `json:"technicians"`
	Bays        []BayKPI        `json:"bays"`

	// The follow-up survey's answers given in the period (csi.go): the
	// shop's CSI (0–100) and its number of answers, per advisor and per
	// month; and the complaints opened in the period by category.
	CSI                  float64        `json:"csi"`
	Surveys              int            `json:"surveys"`
	CSIAdvisors          []AdvisorCSI   `json:"csi_advisors"`
	CSIMonths            []MonthCSI     `json:"csi_months"`
	ComplaintsByCategory map[string]int `json:"complaints_by_category"`
}

// TechnicianKPI is one technician's share of the delivered jobs: the sold
// hours of each job are shared among its technicians by the time each
// clocked on it (evenly when nobody clocked), so the shares add up to the
// shop's sold hours.
type TechnicianKPI struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	SoldHours    float64 `json:"sold_hours"`
	ClockedHours float64 `json:"clocked_hours"`
	Efficiency   float64 `json:"efficiency"`
}

// BayKPI is how long jobs held one bay in the period, and that over the
// bay's opening hours.
type BayKPI struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Hours       float64 `json:"hours"`
	Utilisation float64 `json:"utilisation"`
}

// KPIs computes the KPIs of [from, to) over the given jobs (live and
// closed) and the state's appointments, bays and opening hours.
func (st *State) KPIs(jobs []*Job, from, to, now time.Time) KPIs {
	appts := make([]*Appointment, 0, len(st.Appointments))
	for _, a := range st.Appointments {
		appts = append(appts, a)
	}
	bays := 0
	for _, b := range st.Bays {
		if b.Active && b.Kind != BayWash {
			bays++
		}
	}
	return ComputeKPIs(KPIInput{Jobs: jobs, Appointments: appts, From: from, To: to, Now: now, Bays: bays, Open: st.Schedule()})
}

// Today is the KPIs of the shop's day so far, from the state alone: it
// keeps a week of closed jobs, so every job of today is in it. These are
// the figures the workshop board shows.
func (st *State) Today(now time.Time) KPIs {
	local := now.In(st.Loc)
	from := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location())
	jobs := make([]*Job, 0, len(st.Jobs))
	for _, j := range st.Jobs {
		jobs = append(jobs, j)
	}
	return st.KPIs(jobs, from, from.AddDate(0, 0, 1), now)
}

// ComebackWindow is how soon a car's return counts against the last repair.
const ComebackWindow = 30 * 24 * time.Hour

// KPIInput is what the KPIs of a period are computed from.
type KPIInput struct {
	// Jobs is every job that touches the period, and the 30 days before
	// it for comebacks.
	Jobs         []*Job
	Appointments []*Appointment
	// From and To bound the period [From, To).
	From, To time.Time
	// Now bounds the time counted in a stage and the follow-up window of
	// recent deliveries.
	Now time.Time
	// Bays (the active ones that are not for washing) and the opening
	// hours give the capacity for bay utilisation; only time in opening
	// hours counts as a bay held.
	Bays int
	Open Schedule
}

// ComputeKPIs computes the KPIs of a period from its jobs and appointments.
func ComputeKPIs(input KPIInput) KPIs {
	k := KPIs{From: input.From, To: input.To}
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(input.From) && t.Before(input.To) }
	// A delivered job came back when the advisor reopened it as a
	// comeback (ReopenComeback), not merely when the car returned.
	cameBack := map[string]bool{}
	for _, j := range input.Jobs {
		if j.ComebackOf != "" {
			cameBack[j.ComebackOf] = true
		}
	}
	var onTime, onTimeSigned, rework, ftf, accurate, followed, followable int
	var estSum, setSum Money
	var bayTime time.Duration
	perBay := map[string]time.Duration{}
	perTech := map[string]*TechnicianKPI{}
	until := input.To // time in a stage counts up to now, not to the end of the period
	if input.Now.Before(until) {
		until = input.Now
	}
	for _, j := range input.Jobs {
		if in(j.CreatedAt) {
			if j.ComebackOf != "" {
				k.Comebacks++
			}
			k.Opened++
			if j.AppointmentID != "" {
				k.AppointmentShare++
			}
		}
		k.PartsWaitHours += stageTime(j, StageWaitingParts, input.From, until).Hours()
		for _, s := range []Stage{StageDispatched, StageInProgress, StageWaitingParts, StageWaitingApproval, StagePaused} {
			held := stageTimeWithin(j, s, input.From, until, input.Open.Within)
			bayTime += held
			if j.BayID != "" && held > 0 {
				perBay[j.BayID] += held
			}
		}
		if j.FollowUp != nil && j.FollowUp.ComplaintOpen {
			k.OpenComplaints++
		}
		delivered := j.EnteredStage(StageDelivered)
		if !in(delivered) {
			continue
		}
		k.Delivered++
		ready := j.EnteredStage(StageReady)
		if !ready.IsZero() && !ready.After(j.AgreedPromise()) {
			onTime++
		}
		signed := j.PromisedAt
		if s := j.Signed(); s != nil {
			signed = s.PromisedAt
		}
		if !ready.IsZero() && !ready.After(signed) {
			onTimeSigned++
		}
		if j.ReAgreed() {
			k.ReAgreed++
		}
		if j.Reworks > 0 {
			rework++
		}
		back := cameBack[j.ID] || j.ComebackOf != "" // came back, or is itself a redo
		if j.Reworks == 0 && !back {
			ftf++
		}
		if j.Delivery != nil && j.Estimated.Total > 0 {
			estSum = estSum.add(j.Estimated.Total)
			setSum = setSum.add(j.Delivery.Total)
			diff := float64(j.Delivery.Total-j.Estimated.Total) / float64(j.Estimated.Total)
			if diff >= -0.1 && diff <= 0.1 {
				accurate++
			}
		}
		if j.FollowUp != nil && j.FollowUp.Outcome != FollowUpUnreachable && j.FollowUp.At.Sub(delivered) <= 72*time.Hour {
			followed++
			followable++
		} else if input.Now.Sub(delivered) >= 72*time.Hour {
			followable++
		}
		k.SoldHours += j.SoldHours()
		k.ClockedHours += j.ClockedHours(delivered)
		shareHours(j, delivered, perTech)
	}
	for _, a := range input.Appointments {
		if !in(a.At) || a.Status == ApptCancelled || a.Status == ApptBooked {
			continue
		}
		k.Appointments++
		if a.Status == ApptNoShow {
			k.NoShowRate++
		}
	}
	k.OnTime = ratio(onTime, k.Delivered)
	k.OnTimeSigned = ratio(onTimeSigned, k.Delivered)
	k.ReworkRate = ratio(rework, k.Delivered)
	k.ComebackRate = ratio(k.Comebacks, k.Delivered)
	k.FirstTimeFix = ratio(ftf, k.Delivered)
	withEstimate := 0
	for _, j := range input.Jobs {
		if in(j.EnteredStage(StageDelivered)) && j.Delivery != nil && j.Estimated.Total > 0 {
			withEstimate++
		}
	}
	k.EstimateAccuracy = ratio(accurate, withEstimate)
	if estSum > 0 {
		k.EstimateRatio = float64(setSum) / float64(estSum)
	}
	k.AppointmentShare = ratio(int(k.AppointmentShare), k.Opened)
	k.NoShowRate = ratio(int(k.NoShowRate), k.Appointments)
	k.FollowUpIn3Days = ratio(followed, followable)
	if k.ClockedHours > 0 {
		k.Efficiency = k.SoldHours / k.ClockedHours
	}
	capacity := float64(input.Bays) * input.Open.Within(input.From, input.To).Hours()
	if capacity > 0 {
		k.BayUtilisation = bayTime.Hours() / capacity
	}
	k.Technicians = []TechnicianKPI{}
	for _, t := range perTech {
		if t.ClockedHours > 0 {
			t.Efficiency = t.SoldHours / t.ClockedHours
		}
		k.Technicians = append(k.Technicians, *t)
	}
	sort.Slice(k.Technicians, func(a, b int) bool { return naturalLess(k.Technicians[a].ID, k.Technicians[b].ID) })
	k.Bays = []BayKPI{}
	for id, held := range perBay {
		b := BayKPI{ID: id, Hours: held.Hours()}
		if input.Bays > 0 {
			b.Utilisation = held.Hours() / (capacity / float64(input.Bays))
		}
		k.Bays = append(k.Bays, b)
	}
	sort.Slice(k.Bays, func(a, b int) bool { return naturalLess(k.Bays[a].ID, k.Bays[b].ID) })
	csiKPIs(&k, input)
	return k
}

// shareHours adds a delivered job's sold and clocked hours to its
// technicians' figures.
func shareHours(j *Job, delivered time.Time, perTech map[string]*TechnicianKPI) {
	clocked := map[string]time.Duration{}
	var total time.Duration
	for _, s := range j.Clock {
		end := delivered
		if s.End != nil {
			end = *s.End
		}
		if end.After(s.Start) {
			clocked[s.TechID] += end.Sub(s.Start)
			total += end.Sub(s.Start)
		}
	}
	techs := append([]string(nil), j.TechIDs...)
	for id := range clocked {
		if !contains(techs, id) {
			techs = append(techs, id)
		}
	}
	sold := j.SoldHours()
	for _, id := range techs {
		t := perTech[id]
		if t == nil {
			t = &TechnicianKPI{ID: id}
			perTech[id] = t
		}
		t.ClockedHours += clocked[id].Hours()
		switch {
		case total > 0:
			t.SoldHours += sold * float64(clocked[id]) / float64(total)
		case len(j.TechIDs) > 0 && contains(j.TechIDs, id):
			t.SoldHours += sold / float64(len(j.TechIDs))
		}
	}
}

func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// stageTime is how long a job spent in a stage within [from, to).
func stageTime(j *Job, s Stage, from, to time.Time) time.Duration {
	return stageTimeWithin(j, s, from, to, func(from, to time.Time) time.Duration {
		if to.After(from) {
			return to.Sub(from)
		}
		return 0
	})
}

// stageTimeWithin is stageTime counting only the time within says (the
// working time, for a bay held).
func stageTimeWithin(j *Job, s Stage, from, to time.Time, within func(from, to time.Time) time.Duration) time.Duration {
	var total time.Duration
	for i, sc := range j.Stages {
		if sc.Stage != s {
			continue
		}
		start, end := sc.At, to
		if i+1 < len(j.Stages) {
			end = j.Stages[i+1].At
		}
		if start.Before(from) {
			start = from
		}
		if end.After(to) {
			end = to
		}
		total += within(start, end)
	}
	return total
}
