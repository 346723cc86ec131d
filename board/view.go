package board

import (
	"time"

	"bayboard/internal/shop"
)

// View names, as they appear in URLs (/board/{view}) and in the device
// permissions a manager grants.
const (
	ViewWorkshop     = "workshop"
	ViewLounge       = "lounge"
	ViewAppointments = "appointments"
	ViewParts        = "parts"
	ViewWash         = "wash"
	ViewAdvisor      = "advisor"
)

// Views lists every view, in the order screens are offered.
var Views = []string{ViewWorkshop, ViewLounge, ViewAppointments, ViewParts, ViewWash, ViewAdvisor}

// Known reports whether name is a view.
func Known(name string) bool {
	for _, v := range Views {
		if v == name {
			return true
		}
	}
	return false
}

// ShowsContact reports whether a view carries customers' names. One
// encoded frame goes to every screen of a view, so such a view is not
// redacted per reader: it opens only for a screen the manager paired for
// it and for a person who may see contact data (shop.MaySeeContact).
func ShowsContact(view string) bool { return view == ViewAdvisor }

// scene is what every view is computed from: the published state, the
// shop's clock, and the key that hides job numbers from the lounge.
type scene struct {
	state *shop.State
	now   time.Time
	// workshop is the summary of the state, built once for every view.
	workshop  *shop.Workshop
	loungeKey []byte
}

// compute builds a view. Each view function picks the fields it shows; a
// field not copied into a view's row type cannot leave the server in it.
func compute(view string, sc *scene) model {
	switch view {
	case ViewWorkshop:
		return workshopView(sc)
	case ViewLounge:
		return loungeView(sc)
	case ViewAppointments:
		return appointmentsView(sc)
	case ViewParts:
		return partsView(sc)
	case ViewWash:
		return washView(sc)
	case ViewAdvisor:
		return advisorView(sc)
	}
	panic("board: unknown view " + view)
}

// common is the head every view starts with: what a screen needs to show
// the shop's name and its clock in the shop's time zone.
type common struct {
	Shop     string `json:"shop"`
	TimeZone string `json:"tz"`
	Lang     string `json:"lang"` // the shop's language, when the screen names none
}

func commonOf(st *shop.State) common {
	return common{Shop: st.Settings.Name, TimeZone: st.Settings.TimeZone, Lang: st.Settings.Language}
}

// minute is a time shown to the minute in the shop's zone, or null. Boards
// never show seconds, and dropping them keeps a ticking clock from making
// every row look changed.
type minute struct{ t time.Time }

func minuteOf(t time.Time, loc *time.Location) minute {
	if t.IsZero() {
		return minute{}
	}
	return minute{t.In(loc).Truncate(time.Minute)}
}

func (m minute) MarshalJSON() ([]byte, error) {
	if m.t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + m.t.Format("2006-01-02T15:04Z07:00") + `"`), nil
}

// hours rounds to a tenth of an hour (six minutes): enough for a progress
// bar, and it changes seldom enough to keep the feed quiet.
func hours(h float64) float64 {
	return float64(int(h*10+0.5)) / 10
}

// Flags a job may carry on the staff boards. The lounge never carries any.
const (
	FlagKeyCustomer     = "key_customer"
	FlagWaitingParts    = "waiting_parts"
	FlagWaitingApproval = "waiting_approval"
	FlagRework          = "rework"
	FlagAtRisk          = "at_risk"
	FlagLate            = "late"
)

// Flags lists every flag, for the screens' message catalogs.
var Flags = []string{FlagKeyCustomer, FlagWaitingParts, FlagWaitingApproval, FlagRework, FlagAtRisk, FlagLate}

// flagsOf lists a job's flags in the order the boards show them.
func flagsOf(js *shop.JobStatus) []string {
	flags := []string{}
	j := js.Job
	if js.Key {
		flags = append(flags, FlagKeyCustomer)
	}
	if j.Stage == shop.StageWaitingParts {
		flags = append(flags, FlagWaitingParts)
	}
	if j.Stage == shop.StageWaitingApproval {
		flags = append(flags, FlagWaitingApproval)
	}
	if j.Reworks > 0 {
		flags = append(flags, FlagRework)
	}
	if js.Progress.Late {
		flags = append(flags, FlagLate)
	} else if js.Progress.AtRisk {
		flags = append(flags, FlagAtRisk)
	}
	return flags
}

// workOf names the job's work on a board: its labour operations.
func workOf(j *shop.Job) []string {
	out := make([]string, 0, len(j.Labour))
	for _, l := range j.Labour {
		out = append(out, l.Name)
	}
	return out
}

// pauseOf is why a paused job stopped, as the job holds it (the reason,
// which the boards translate, and the technician's note), or nil.
func pauseOf(j *shop.Job) *shop.PauseInfo {
	if !j.Stage.Paused() {
		return nil
	}
	return j.Pause
}
