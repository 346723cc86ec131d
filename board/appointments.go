package board

import (
	"sort"
	"time"

	"bayboard/internal/shop"
)

// The appointment board (预约服务看板) hangs at reception: today's and
// tomorrow's bookings, whether each customer is expected, has arrived, is
// late or did not come, and the prep checklist of the day before (parts
// staged, bay and advisor assigned). Customers stand in front of it, so
// it shows the plate masked as the lounge does (京A·***45: the region and
// the last characters, enough for an advisor to match an arriving car),
// and no customer names or phones.

type appointmentsHead struct {
	common
	Today    string      `json:"today"` // 2026-11-23, in the shop's zone
	Tomorrow string      `json:"tomorrow"`
	Counts   apptsCounts `json:"counts"` // today's
}

type apptsCounts struct {
	Expected int `json:"expected"`
	Arrived  int `json:"arrived"`
	Late     int `json:"late"`
	NoShow   int `json:"no_show"`
}

// Appointment states on the board.
const (
	ApptExpected = "expected"
	ApptArrived  = "arrived"
	ApptLate     = "late"
	ApptNoShow   = "no_show"
)

// ApptStatuses lists the states an appointment shows, for the catalogs.
var ApptStatuses = []string{ApptExpected, ApptArrived, ApptLate, ApptNoShow}

type slotRow struct {
	ID      string     `json:"id"`
	At      minute     `json:"at"`
	Day     string     `json:"day"` // today or tomorrow
	Plate   string     `json:"plate"`
	Model   string     `json:"model"`
	Work    string     `json:"work"`
	Advisor string     `json:"advisor"`
	Status  string     `json:"status"`
	Stage   shop.Stage `json:"stage,omitempty"` // the job's, once arrived
	Prep    slotPrep   `json:"prep"`
}

func (r slotRow) rowKey() string { return r.ID }

type slotPrep struct {
	PartsStaged     bool `json:"parts_staged"`
	BayAssigned     bool `json:"bay_assigned"`
	AdvisorAssigned bool `json:"advisor_assigned"`
}

func appointmentsView(sc *scene) model {
	st, loc := sc.state, sc.state.Loc
	local := sc.now.In(loc)
	y, m, d := local.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	tomorrow, after := today.AddDate(0, 0, 1), today.AddDate(0, 0, 2)
	head := appointmentsHead{common: commonOf(st), Today: today.Format(time.DateOnly), Tomorrow: tomorrow.Format(time.DateOnly)}
	slots := []slotRow{}
	for _, ap := range st.Appointments {
		if ap.At.Before(today) || !ap.At.Before(after) || ap.Status == shop.ApptCancelled {
			continue
		}
		row := slotRow{ID: ap.ID, At: minuteOf(ap.At, loc), Day: "today", Work: ap.Requested,
			Prep: slotPrep{PartsStaged: ap.Prep.PartsStaged, BayAssigned: ap.Prep.BayAssigned, AdvisorAssigned: ap.Prep.AdvisorAssigned}}
		if !ap.At.Before(tomorrow) {
			row.Day = "tomorrow"
		}
		if v := st.Vehicles[ap.VehicleID]; v != nil {
			row.Plate, row.Model = shop.MaskPlate(v.Plate), v.Model
		}
		if u := st.Users[ap.AdvisorID]; u != nil {
			row.Advisor = u.Name
		}
		switch {
		case ap.Status == shop.ApptArrived:
			row.Status = ApptArrived
			if j := st.Jobs[ap.JobID]; j != nil {
				row.Stage = j.Stage
			}
		case ap.Status == shop.ApptNoShow:
			row.Status = ApptNoShow
		case ap.At.Before(sc.now):
			row.Status = ApptLate
		default:
			row.Status = ApptExpected
		}
		if row.Day == "today" {
			c := &head.Counts
			switch row.Status {
			case ApptExpected:
				c.Expected++
			case ApptArrived:
				c.Arrived++
			case ApptLate:
				c.Late++
			case ApptNoShow:
				c.NoShow++
			}
		}
		slots = append(slots, row)
	}
	sort.Slice(slots, func(a, b int) bool {
		if !slots[a].At.t.Equal(slots[b].At.t) {
			return slots[a].At.t.Before(slots[b].At.t)
		}
		return slots[a].ID < slots[b].ID
	})
	return model{head: head, lists: []list{rowsOf("slots", slots)}}
}
