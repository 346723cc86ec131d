package shop

import "time"

// Money is an amount in the shop currency's minor unit (fen, cents).
type Money int64

// Settings describes the shop itself.
type Settings struct {
	Name        string `json:"name"`
	Address     string `json:"address"`
	Phone       string `json:"phone"`
	SealText    string `json:"seal_text"`
	Hours       Hours  `json:"hours"`
	Language    string `json:"language"`  // "zh-CN" or "en"
	Currency    string `json:"currency"`  // ISO 4217, "CNY"
	TimeZone    string `json:"time_zone"` // IANA, "Asia/Shanghai"
	BaseURL     string `json:"base_url"`  // for QR codes; empty: the address a request reached the server at
	QCMinutes   int    `json:"qc_minutes"`
	WashMinutes int    `json:"wash_minutes"`
	Demo        bool   `json:"demo"`
	// Printers receive documents by IPP; the label printer takes seat
	// labels, the A4 printer the rest, unless the advisor picks another.
	Printers []Printer `json:"printers"`
	// LabelWidthMM and LabelHeightMM are the shop's seat-label stock.
	LabelWidthMM  int `json:"label_width_mm"`
	LabelHeightMM int `json:"label_height_mm"`
	// CustomerLinkDays is how long after delivery the customer's QR link
	// keeps working.
	CustomerLinkDays int `json:"customer_link_days"`
	// KioskIdleMinutes is how long a technician's sign-in on a shared
	// kiosk lasts unused; 0 keeps the server's default.
	KioskIdleMinutes int `json:"kiosk_idle_minutes,omitempty"`
	// PINMinDigits is the fewest digits a technician's PIN may have, 4 to
	// 8 (a PIN has at most 8); 0 keeps 4. See PINMin.
	PINMinDigits int `json:"pin_min_digits,omitempty"`
	// LoungeMessage is a line the lounge TVs show the customers waiting
	// there (an offer, a notice); empty shows none.
	LoungeMessage string `json:"lounge_message,omitempty"`
	// LabourRate is the shop's labour price per sold hour: an advisor
	// pricing a finding charges its hours at this rate unless they set
	// the labour's price themselves. 0: none set, every finding's labour
	// is priced by hand.
	LabourRate Money `json:"labour_rate,omitempty"`
	// DiscountLimits is, for each role that may give a discount (advisor,
	// cashier), the most a job's discounts may come to, in percent of the
	// customer's share of the order; a role not named may give none. The
	// manager's is not limited.
	DiscountLimits map[Role]int `json:"discount_limits,omitempty"`
	// CoverSet names the protective covers fitted at reception, on the
	// pages and the job card: "three" (三件套, also when empty) or "five"
	// (五件套). See covers.go.
	CoverSet CoverSet `json:"cover_set,omitempty"`
	// PhotoKeepDays is how long after a job is delivered or cancelled its
	// photos' files are kept (the job keeps that they existed); 0 keeps
	// them for good.
	PhotoKeepDays int `json:"photo_keep_days,omitempty"`
	// SettlementPhotos prints the findings' photos as thumbnails on the
	// settlement.
	SettlementPhotos bool `json:"settlement_photos,omitempty"`
	// Messages are the customer message templates the manager changed
	// (messages.go); a kind not here has the shipped texts.
	// set_message_templates sets them, set_settings leaves them.
	Messages []MessageTemplate `json:"message_templates,omitempty"`
}

// PrinterUse says which documents go to a printer by default.
type PrinterUse string

const (
	PrinterA4    PrinterUse = "a4"
	PrinterLabel PrinterUse = "label"
)

// Printer is a CUPS queue or an IPP printer on the LAN.
type Printer struct {
	Name  string     `json:"name"`
	URI   string     `json:"uri"` // ipp://host:631/printers/queue, or http(s)://…
	Media string     `json:"media,omitempty"`
	Use   PrinterUse `json:"use"`
}

// BayKind says what work a bay is equipped for.
type BayKind string

const (
	BayQuickService BayKind = "quick_service"
	BayGeneral      BayKind = "general"
	BayAlignment    BayKind = "alignment"
	BayBody         BayKind = "body"
	BayPaint        BayKind = "paint"
	BayWash         BayKind = "wash"
	BayDiagnosis    BayKind = "diagnosis"
)

// BayKinds lists the kinds in display order.
var BayKinds = []BayKind{BayQuickService, BayGeneral, BayAlignment, BayDiagnosis, BayBody, BayPaint, BayWash}

type Bay struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Kind   BayKind `json:"kind"`
	Active bool    `json:"active"`
}

type Team struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	LeaderID string `json:"leader_id,omitempty"`
}

type Technician struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	TeamID string   `json:"team_id"`
	Skills []string `json:"skills"`
	// UserID links the technician to the account that signs in with the badge.
	UserID string `json:"user_id"`
	Active bool   `json:"active"`
}

// Role is what a signed-in person may do.
type Role string

const (
	RoleManager    Role = "manager"
	RoleAdvisor    Role = "advisor"
	RoleController Role = "controller"
	RoleTeamLeader Role = "team_leader"
	RoleTechnician Role = "technician"
	RoleQC         Role = "qc_inspector"
	RoleParts      Role = "parts_clerk"
	RoleWasher     Role = "washer"
	RoleCashier    Role = "cashier"
	RoleFollowUp   Role = "followup"
)

// Roles lists every role.
var Roles = []Role{RoleManager, RoleAdvisor, RoleController, RoleTeamLeader, RoleTechnician, RoleQC, RoleParts, RoleWasher, RoleCashier, RoleFollowUp}

// User is a person who signs in. Secrets are stored hashed, and the hashes
// are never part of a user's JSON: no answer, event or export can carry
// them, and no client can send one. The store keeps them in its own shape.
type User struct {
	ID           string `json:"id"`
	Login        string `json:"login"`
	Name         string `json:"name"`
	Phone        string `json:"phone,omitempty"`
	Roles        []Role `json:"roles"`
	PasswordHash string `json:"-"`
	BadgeCode    string `json:"badge_code,omitempty"`
	PINHash      string `json:"-"`
	Active       bool   `json:"active"`
	// MustChangePassword holds the user's password sign-ins to changing the
	// password until they do: the first manager's printed password and any
	// password a manager sets are known to someone else. Users stored before
	// it existed read false, as they should.
	MustChangePassword bool `json:"must_change_password,omitempty"`
}

// Has reports whether the user holds role r.
func (u *User) Has(r Role) bool {
	for _, have := range u.Roles {
		if have == r {
			return true
		}
	}
	return false
}

type Customer struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Key   bool   `json:"key_customer"`
	// Messages are the customer's wishes about the shop's messages
	// (messageprefs.go); nil has the defaults. put_customer without them
	// keeps the ones stored.
	Messages *MessagePrefs `json:"messages,omitempty"`
}

type Vehicle struct {
	ID         string `json:"id"`
	CustomerID string `json:"customer_id"`
	Plate      string `json:"plate"`
	VIN        string `json:"vin,omitempty"`
	Model      string `json:"model"`
	MileageKM  int    `json:"mileage_km"`
	// NextService is the service agreed at the car's last delivery with
	// one (nextservice.go); the server keeps it, put_vehicle leaves it.
	NextService *NextService `json:"next_service,omitempty"`
}

// AppointmentStatus is where a booking stands.
type AppointmentStatus string

const (
	ApptBooked    AppointmentStatus = "booked"
	ApptArrived   AppointmentStatus = "arrived"
	ApptNoShow    AppointmentStatus = "no_show"
	ApptCancelled AppointmentStatus = "cancelled"
)

type Appointment struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	CustomerID string    `json:"customer_id"`
	VehicleID  string    `json:"vehicle_id"`
	Requested  string    `json:"requested"`
	AdvisorID  string    `json:"advisor_id"`
	// Parts are what the counter prepares the day before, if the
	// booking knows them (a service with its kit).
	Parts  []PartLine        `json:"parts,omitempty"`
	Prep   Prep              `json:"prep"`
	Status AppointmentStatus `json:"status"`
	JobID  string            `json:"job_id,omitempty"`

	// Hours is the labour the booking is estimated to need (capacity.go);
	// 0 (bookings made before it existed) counts DefaultBookingHours.
	Hours float64 `json:"hours,omitempty"`
	// OverCapacity is the advisor's reason for booking a slot or a day
	// that is full; empty when the booking fitted.
	OverCapacity string `json:"over_capacity,omitempty"`
	// BookedFrom is the device the booking was made from, as its event
	// records it: the demo's simulator receives only its own bookings.
	BookedFrom string `json:"booked_from,omitempty"`
	// BookedAt is when it was booked; zero for bookings made before it
	// was kept (their reminders go as before).
	BookedAt time.Time `json:"booked_at,omitzero"`
}

// Prep is the checklist done the day before an appointment.
type Prep struct {
	PartsStaged     bool `json:"parts_staged"`
	BayAssigned     bool `json:"bay_assigned"`
	AdvisorAssigned bool `json:"advisor_assigned"`
	Reminded24h     bool `json:"reminded_24h"`
	Reminded1h      bool `json:"reminded_1h"`
}

// Labour is one labour operation with the hours sold to the customer.
type Labour struct {
	Code      string  `json:"code,omitempty"`
	Name      string  `json:"name"`
	SoldHours float64 `json:"sold_hours"`
	Price     Money   `json:"price"`
	// Payer is who pays for the line; empty is the customer (自费).
	Payer Payer `json:"payer,omitempty"`
}

// PartLine is a part on the estimate or the settlement.
type PartLine struct {
	Number    string  `json:"number,omitempty"`
	Name      string  `json:"name"`
	Quantity  float64 `json:"quantity"`
	UnitPrice Money   `json:"unit_price"`
	// Payer is who pays for the line; empty is the customer (自费).
	Payer Payer `json:"payer,omitempty"`
}

// Total is quantity × unit price, rounded to the minor unit.
func (p PartLine) Total() Money { return p.UnitPrice.times(p.Quantity) }

// ClockSession is one stretch of a technician's work on a job.
type ClockSession struct {
	TechID string     `json:"tech_id"`
	Start  time.Time  `json:"start"`
	End    *time.Time `json:"end,omitempty"`
	Note   string     `json:"note,omitempty"`
}

// QCStep names the three checks of seed 002 §10.
type QCStep string

const (
	QCSelf  QCStep = "self"
	QCTeam  QCStep = "team"
	QCFinal QCStep = "final"
)

type QCResult struct {
	Step   QCStep    `json:"step"`
	Pass   bool      `json:"pass"`
	Reason string    `json:"reason,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`

	// Notes are the team leader's notes for the advisor (注意事项),
	// written at the team check (teamcheck.go).
	Notes string `json:"notes,omitempty"`
}

// StageChange records when a job entered a stage.
type StageChange struct {
	Stage Stage     `json:"stage"`
	At    time.Time `json:"at"`
}

// Job is a repair order (维修工单).
type Job struct {
	ID            string     `json:"id"` // also its number: 20261123-0007
	AppointmentID string     `json:"appointment_id,omitempty"`
	CustomerID    string     `json:"customer_id"`
	VehicleID     string     `json:"vehicle_id"`
	AdvisorID     string     `json:"advisor_id"`
	Stage         Stage      `json:"stage"`
	Pause         *PauseInfo `json:"pause,omitempty"` // while paused
	CancelReason  string     `json:"cancel_reason,omitempty"`
	Requests      string     `json:"requests"` // in the customer's words
	Labour        []Labour   `json:"labour"`
	Parts         []PartLine `json:"parts"`
	// Issued are the parts the counter handed to the job, Allowances the
	// advisor's leave to issue parts beyond its scope (shop/issue.go).
	// What the job bills is BilledParts: issued less returned.
	Issued       []IssuedPart    `json:"issued,omitempty"`
	Allowances   []PartAllowance `json:"allowances,omitempty"`
	PromisedAt   time.Time       `json:"promised_at"`
	Wash         bool            `json:"wash"`
	KeepOldParts bool            `json:"keep_old_parts"`
	WalkAround   WalkAround      `json:"walk_around"`
	// Photos are the job's pictures: walk-around, findings, work done
	// (photos.go), in the order they were taken.
	Photos        []Photo        `json:"photos,omitempty"`
	TeamID        string         `json:"team_id,omitempty"`
	TechIDs       []string       `json:"tech_ids"`
	BayID         string         `json:"bay_id,omitempty"`
	Priority      int            `json:"priority"` // higher goes first
	QC            []QCResult     `json:"qc"`
	Reworks       int            `json:"reworks"`
	Clock         []ClockSession `json:"clock"`
	Stages        []StageChange  `json:"stages"`
	FollowUpAt    *time.Time     `json:"follow_up_at,omitempty"` // customer's preferred time
	NextServiceAt *time.Time     `json:"next_service_at,omitempty"`
	NextServiceKM int            `json:"next_service_km,omitempty"`
	// Estimated is what the customer signed for at reception; the
	// settlement is compared with it (estimate accuracy).
	Estimated Totals     `json:"estimated"`
	SignedAt  *time.Time `json:"signed_at,omitempty"`
	// Discounts are the reductions given on the customer's lines or on
	// the whole order, each with its reason (give_discount).
	Discounts []Discount `json:"discounts,omitempty"`
	// Revisions are the agreed states of the scope: revision 1 is the
	// signed estimate, each later one a change the customer agreed to
	// (revisions.go). Labour, Parts and PromisedAt are the latest.
	Revisions []Revision `json:"revisions"`
	// ComebackOf is the first job of a repair this job redoes (返修).
	ComebackOf string    `json:"comeback_of,omitempty"`
	Delivery   *Delivery `json:"delivery,omitempty"`
	FollowUp   *FollowUp `json:"follow_up,omitempty"`
	Survey     *Survey   `json:"survey,omitempty"` // the customer's answer to the follow-up survey
	// SurveySentAt is when the survey's link went to the customer
	// (duemessages.go).
	SurveySentAt *time.Time `json:"survey_sent_at,omitempty"`
	// WashStartedAt is when the washer took the car, while its wash is
	// due (shop/wash.go); nil while it waits for the washer.
	WashStartedAt *time.Time `json:"wash_started_at,omitempty"`
	// CustomerLinkGen is bumped to revoke the customer's QR links.
	CustomerLinkGen int       `json:"customer_link_gen,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`

	// NoticesSeen are the people's acknowledgements of the job's notices
	// (notices.go): each person's list is their own.
	NoticesSeen []NoticeSeen `json:"notices_seen,omitempty"`
	// OpenedFrom is the device the job was opened from, as its event
	// records it (a browser, a screen, an API token, the demo's
	// simulator): the demo moves only the cars it opened itself.
	OpenedFrom string `json:"opened_from,omitempty"`
}

// Total is the job's current labour and parts total.
func (j *Job) Total() Money { return TotalOf(j.Labour, j.Parts) }

// TotalOf sums labour and parts lines.
func TotalOf(labour []Labour, parts []PartLine) Money { return TotalsOf(labour, parts).Total }

// Totals sums a set of job lines.
type Totals struct {
	Labour Money   `json:"labour"`
	Parts  Money   `json:"parts"`
	Total  Money   `json:"total"`
	Hours  float64 `json:"hours"`
}

// TotalsOf sums labour and parts lines.
func TotalsOf(labour []Labour, parts []PartLine) Totals {
	var t Totals
	for _, l := range labour {
		t.Labour = t.Labour.add(l.Price)
		t.Hours += l.SoldHours
	}
	for _, p := range parts {
		t.Parts = t.Parts.add(p.Total())
	}
	t.Total = t.Labour.add(t.Parts)
	return t
}

// Delivery is the handover of seed 002 §6: the checklist walked with the
// customer, the settlement explained and the payment taken.
type Delivery struct {
	WorkShown     bool   `json:"work_shown"`
	OldPartsShown bool   `json:"old_parts_shown"`
	CarClean      bool   `json:"car_clean"`
	SeatRestored  bool   `json:"seat_restored"`
	Explanation   string `json:"explanation,omitempty"` // differences from the estimate
	Total         Money  `json:"total"`
	// Due is the customer's share of the total, after discounts, when the
	// car was delivered: what Paid is held against. Deliveries before
	// payers and discounts existed have none (their due was the total).
	Due           Money     `json:"due,omitempty"`
	Paid          Money     `json:"paid"`
	PaymentMethod string    `json:"payment_method,omitempty"`
	At            time.Time `json:"at"`
	By            string    `json:"by"`
}

// Follow-up outcomes (回访).
const (
	FollowUpSatisfied   = "satisfied"
	FollowUpComplaint   = "complaint"
	FollowUpUnreachable = "unreachable"
)

// FollowUp is the call after delivery; a complaint stays open until closed.
type FollowUp struct {
	At            time.Time  `json:"at"`
	By            string     `json:"by"`
	Outcome       string     `json:"outcome"`
	Notes         string     `json:"notes,omitempty"`
	ComplaintOpen bool       `json:"complaint_open,omitempty"`
	Resolution    string     `json:"resolution,omitempty"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	// A complaint's category (ComplaintCategories), its owner (a user id)
	// and when it is due; past that it is escalated to the manager.
	Category string     `json:"category,omitempty"`
	OwnerID  string     `json:"owner_id,omitempty"`
	DueAt    *time.Time `json:"due_at,omitempty"`
}

// WalkAround is the reception check done with the customer (环车检查).
type WalkAround struct {
	FuelPercent int    `json:"fuel_percent"`
	MileageKM   int    `json:"mileage_km"`
	Damage      string `json:"damage,omitempty"`
	Valuables   string `json:"valuables,omitempty"`
	CoversOn    bool   `json:"covers_on"`
	Notes       string `json:"notes,omitempty"`
}

// PartsStatus is where a parts request stands.
type PartsStatus string

const (
	PartsRequested PartsStatus = "requested"
	PartsPicked    PartsStatus = "picked"
	PartsIssued    PartsStatus = "issued"
	PartsOnOrder   PartsStatus = "on_order"
	PartsCancelled PartsStatus = "cancelled"
)

type PartsRequest struct {
	ID          string      `json:"id"`
	JobID       string      `json:"job_id"`
	Number      string      `json:"number,omitempty"`
	Description string      `json:"description"`
	Quantity    float64     `json:"quantity"`
	Status      PartsStatus `json:"status"`
	ETA         *time.Time  `json:"eta,omitempty"`
	RequestedBy string      `json:"requested_by"`
	RequestedAt time.Time   `json:"requested_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// Open reports whether the part is still awaited by the job.
func (p *PartsRequest) Open() bool {
	return p.Status == PartsRequested || p.Status == PartsPicked || p.Status == PartsOnOrder
}

// FindingStatus is where extra work stands: proposed by the floor, sent
// by the advisor with a price, then the customer's decision.
type FindingStatus string

const (
	// FindingProposed is extra work a technician proposed and the advisor
	// has not yet sent to the customer (price_finding prices it). The
	// customer does not see it.
	FindingProposed FindingStatus = "proposed"
	// FindingAwaiting is extra work the advisor priced and sent: it
	// awaits the customer's decision, at the advisor's price.
	FindingAwaiting FindingStatus = "awaiting"
	FindingApproved FindingStatus = "approved"
	FindingDeclined FindingStatus = "declined"
	// FindingWithdrawn is extra work the desk took back before the
	// customer decided (withdraw_finding).
	FindingWithdrawn FindingStatus = "withdrawn"
)

// Finding is extra work proposed during repair (增项). Hours, Parts and
// Price are what the customer is asked to approve once the advisor has
// priced it; before that they are the technician's proposal (hours and
// parts, Price 0). SuggestedPrice is the technician's idea of the price,
// for the advisor only: the customer's page never shows it.
type Finding struct {
	ID             string        `json:"id"`
	JobID          string        `json:"job_id"`
	Description    string        `json:"description"`
	Why            string        `json:"why,omitempty"`
	Hours          float64       `json:"hours"`
	Parts          []PartLine    `json:"parts"`
	Price          Money         `json:"price"`
	SuggestedPrice Money         `json:"suggested_price,omitempty"`
	Status         FindingStatus `json:"status"`
	ReportedBy     string        `json:"reported_by"`
	ReportedAt     time.Time     `json:"reported_at"`
	// LabourPrice is the labour part of Price, as the advisor priced it.
	// Findings stored before pricing existed have none (their labour is
	// Price less the parts).
	LabourPrice Money      `json:"labour_price,omitempty"`
	PricedBy    string     `json:"priced_by,omitempty"`
	PricedAt    *time.Time `json:"priced_at,omitempty"`
	SentAt      *time.Time `json:"sent_at,omitempty"`
	DecidedBy   string     `json:"decided_by,omitempty"` // "customer" or a user id
	DecidedVia  string     `json:"decided_via,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
}

// Operation is a labour operation in the shop's catalogue, offered when an
// estimate is built.
type Operation struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	SoldHours float64 `json:"sold_hours"`
	Price     Money   `json:"price"`
	Active    bool    `json:"active"`
}

// CatalogPart is a part in the shop's catalogue.
type CatalogPart struct {
	Number    string `json:"number"`
	Name      string `json:"name"`
	UnitPrice Money  `json:"unit_price"`
	Active    bool   `json:"active"`
}

// PIN lengths: a technician types a PIN on a shared tablet, so it is
// short; the shop chooses how short, within these.
const (
	PINMinDigitsDefault = 4
	PINMaxDigits        = 8
)

// PINMin is the fewest digits the shop lets a PIN have.
func (s Settings) PINMin() int {
	if s.PINMinDigits == 0 {
		return PINMinDigitsDefault
	}
	return s.PINMinDigits
}
