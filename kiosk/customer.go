package kiosk

import (
	"errors"
	"hash/fnv"
	"strings"
	"time"

	"bayboard/internal/shop"
)

// ErrRevoked means the advisor revoked the link, or the car was delivered
// longer ago than the shop keeps links open.
var ErrRevoked = errors.New("the link no longer works")

// URLs builds the ASCII URLs printed as QR codes, on the shop's base URL.
// Short paths keep the codes small.
type URLs struct {
	Base   string
	Tokens *Tokens
}

func (u URLs) base() string { return strings.TrimRight(u.Base, "/") }

// Bay opens the kiosk page of a bay.
func (u URLs) Bay(bayID string) string {
	return u.base() + "/k/bay/" + u.Tokens.Sign(PurposeBay, bayID, time.Time{}, 0)
}

// Job opens a job's kiosk page.
func (u URLs) Job(jobID string) string {
	return u.base() + "/k/job/" + u.Tokens.Sign(PurposeJob, jobID, time.Time{}, 0)
}

// Badge signs a technician in on the device that scans it, for as long as
// their badge code is the one it was printed with.
func (u URLs) Badge(user *shop.User) string {
	return u.base() + "/k/badge/" + u.Tokens.Sign(PurposeBadge, user.ID, time.Time{}, BadgeGeneration(user.BadgeCode))
}

// BadgeGeneration is the link generation of a badge's QR code, drawn from
// the badge code it was printed with: giving a technician a new badge code
// makes every earlier QR code of theirs open nothing.
func BadgeGeneration(badgeCode string) int {
	h := fnv.New32a()
	h.Write([]byte(badgeCode))
	return int(h.Sum32() & 0x7fffffff)
}

// ErrBadgeChanged refuses a badge QR code printed for a badge code the
// technician no longer has, or for one no longer active.
var ErrBadgeChanged = errors.New("the badge was replaced or its holder is no longer active")

// BadgeUser checks a scanned badge QR code and returns the technician it
// signs in: one active user whose badge code is still the printed one.
func BadgeUser(t *Tokens, st *shop.State, token string, now time.Time) (*shop.User, error) {
	id, gen, err := t.Verify(PurposeBadge, token, now)
	if err != nil {
		return nil, err
	}
	u := st.Users[id]
	if u == nil || !u.Active || u.BadgeCode == "" || BadgeGeneration(u.BadgeCode) != gen {
		return nil, ErrBadgeChanged
	}
	return u, nil
}

// Customer opens the customer's own page for a job. The link's life is
// checked against the job when it is used (days after delivery, revoked).
func (u URLs) Customer(j *shop.Job) string {
	return u.base() + "/c/" + u.Tokens.Sign(PurposeCustomer, j.ID, time.Time{}, j.CustomerLinkGen)
}

// CustomerJob checks a customer link and returns its job. find looks a job
// up, live or from history.
func CustomerJob(t *Tokens, set shop.Settings, token string, now time.Time, find func(id string) *shop.Job) (*shop.Job, error) {
	id, gen, err := t.Verify(PurposeCustomer, token, now)
	if err != nil {
		return nil, err
	}
	j := find(id)
	if j == nil {
		return nil, ErrForged
	}
	if gen != j.CustomerLinkGen {
		return nil, ErrRevoked
	}
	if closed := j.EnteredStage(shop.StageDelivered); !j.Stage.Open() {
		if closed.IsZero() {
			closed = j.UpdatedAt
		}
		if now.Sub(closed) > time.Duration(set.CustomerLinkDays)*24*time.Hour {
			return nil, ErrExpired
		}
	}
	return j, nil
}

// CustomerView is all the customer's page may show: their car, its stages
// and ETA, their advisor, and the extra work awaiting their decision. It
// holds nothing of other customers and no staff notes.
type CustomerView struct {
	ShopName   string             `json:"shop_name"`
	ShopPhone  string             `json:"shop_phone"`
	JobID      string             `json:"job_id"`
	Plate      string             `json:"plate"`
	Model      string             `json:"model"`
	Stage      shop.Stage         `json:"stage"`
	Timeline   []shop.StageChange `json:"timeline"`
	PromisedAt time.Time          `json:"promised_at"`
	ETA        time.Time          `json:"eta"`
	Late       bool               `json:"late"`
	Advisor    string             `json:"advisor"`
	AdvisorTel string             `json:"advisor_phone,omitempty"`
	Findings   []CustomerFinding  `json:"findings"`
	// Photos are the job's photos the customer may see
	// (shop.State.CustomerSeesPhoto), without who took them; each is
	// served at /api/v1/customer/{token}/photos/{id}.
	Photos   []CustomerPhoto `json:"photos"`
	Currency string          `json:"currency"`
	// SurveyOpen says the follow-up survey may be answered now
	// (shop.State.SurveyOpen: the car delivered, no answer given, within
	// the week after delivery and the link's life); Washed that it asks about the
	// wash; Survey is the answer once given.
	SurveyOpen bool         `json:"survey_open"`
	Washed     bool         `json:"washed"`
	Survey     *shop.Survey `json:"survey,omitempty"`
}

// CustomerFinding is extra work as the customer sees it: at the advisor's
// price, never the technician's suggestion, and only once the advisor has
// sent it.
type CustomerFinding struct {
	ID          string             `json:"id"`
	Description string             `json:"description"`
	Why         string             `json:"why,omitempty"`
	Hours       float64            `json:"hours"`
	Price       shop.Money         `json:"price"`
	Status      shop.FindingStatus `json:"status"`
	DecidedAt   *time.Time         `json:"decided_at,omitempty"`
}

// CustomerPhoto is a photo as the customer's page shows it.
type CustomerPhoto struct {
	ID        string             `json:"id"`
	Kind      shop.PhotoKind     `json:"kind"`
	Position  shop.PhotoPosition `json:"position,omitempty"`
	FindingID string             `json:"finding_id,omitempty"`
	Caption   string             `json:"caption,omitempty"`
	Width     int                `json:"width"`
	Height    int                `json:"height"`
	At        time.Time          `json:"at"`
}

// ViewForCustomer builds the customer's page of a job.
func ViewForCustomer(st *shop.State, j *shop.Job, now time.Time) CustomerView {
	p := st.Progress(j, now)
	v := CustomerView{ShopName: st.Settings.Name, ShopPhone: st.Settings.Phone, JobID: j.ID, Stage: j.Stage,
		Timeline: j.Stages, PromisedAt: j.PromisedAt, ETA: p.ETA, Late: p.Late, Currency: st.Settings.Currency,
		Findings: []CustomerFinding{}, Washed: j.Washed(), Survey: j.Survey, SurveyOpen: st.SurveyOpen(j, now)}
	if ve := st.Vehicles[j.VehicleID]; ve != nil {
		v.Plate, v.Model = ve.Plate, ve.Model
	}
	if u := st.Users[j.AdvisorID]; u != nil {
		v.Advisor, v.AdvisorTel = u.Name, u.Phone
	}
	for _, f := range st.JobFindings(j.ID) {
		if f.Status == shop.FindingWithdrawn || f.Status == shop.FindingProposed {
			continue // not yet sent to the customer, or taken back before they decided
		}
		v.Findings = append(v.Findings, CustomerFinding{ID: f.ID, Description: f.Description, Why: f.Why, Hours: f.Hours, Price: f.Price, Status: f.Status, DecidedAt: f.DecidedAt})
	}
	v.Photos = []CustomerPhoto{}
	for i := range j.Photos {
		if ph := &j.Photos[i]; st.CustomerSeesPhoto(j, ph) {
			v.Photos = append(v.Photos, CustomerPhoto{ID: ph.ID, Kind: ph.Kind, Position: ph.Position, FindingID: ph.FindingID,
				Caption: ph.Caption, Width: ph.Width, Height: ph.Height, At: ph.At})
		}
	}
	return v
}
