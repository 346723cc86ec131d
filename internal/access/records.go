package access

import (
	"encoding/json"
	"errors"
	"slices"
	"time"

	"bayboard/internal/shop"
)

// Session is one signed-in browser or kiosk.
type Session struct {
	// Key is the hash of the token the browser holds (TokenKey).
	Key      string    `json:"-"`
	UserID   string    `json:"user_id"`
	CSRF     string    `json:"csrf"`
	DeviceID string    `json:"device_id,omitempty"`
	Expires  time.Time `json:"expires"`
	Idle     int64     `json:"idle_ns,omitempty"` // kiosk sessions: extended on use
	// Stamp is the user's Stamp when the session was opened.
	Stamp string `json:"stamp,omitempty"`
	// Badge: opened with a badge and PIN.
	Badge bool `json:"badge,omitempty"`
}

// ByBadge reports whether the session was opened with a badge and PIN.
func (s *Session) ByBadge() bool { return s.Badge }

// APIToken is a bearer token for scripts, acting as a user.
type APIToken struct {
	// Key is the hash of the token the script holds (TokenKey).
	Key     string    `json:"-"`
	UserID  string    `json:"user_id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

// ID names a token in lists and history: the start of its hash, which
// tells nothing of the token itself.
func (t *APIToken) ID() string { return t.Key[:16] }

// Device is a screen or kiosk. It pairs with a short code that a manager
// approves; its token then opens only the views it was given.
type Device struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Code     string    `json:"code,omitempty"` // pairing code while pending
	Approved bool      `json:"approved"`
	Views    []string  `json:"views"`
	Lang     string    `json:"lang"`
	TokenKey string    `json:"token_key,omitempty"`
	PollKey  string    `json:"poll_key,omitempty"`
	Created  time.Time `json:"created"`
	Token    string    `json:"-"` // handed over once, never stored
	Kiosk    bool      `json:"kiosk"`
	Revoked  bool      `json:"revoked"`
	// Address and Expires belong to a request waiting for approval: the
	// address that asked, and when (on the wall clock) it lapses.
	Address string    `json:"address,omitempty"`
	Expires time.Time `json:"expires,omitempty"`
}

// CanView reports whether the device may show a view.
func (d *Device) CanView(view string) bool {
	if !d.Approved || d.Revoked {
		return false
	}
	for _, v := range d.Views {
		if v == view || v == "*" {
			return true
		}
	}
	return false
}

// Shared reports whether the device is a kiosk the whole floor uses: its
// sessions, whoever opens them, end after the kiosk's idle time.
func (d *Device) Shared() bool {
	return d.Approved && !d.Revoked && (d.Kiosk || slices.Contains(d.Views, "kiosk"))
}

// Store keeps the access records; internal/store implements it. A record
// asked for and absent is no error: its bool is false.
type Store interface {
	Session(key string) (Session, bool, error)
	PutSession(Session) error
	DeleteSession(key string) error
	EachSession(fn func(Session) error) error

	APIToken(key string) (APIToken, bool, error)
	EachAPIToken(fn func(APIToken) error) error

	Device(id string) (Device, bool, error)
	// DeviceByToken finds a device through the index of its token's key.
	DeviceByToken(key string) (Device, bool, error)
	// PutDevice writes a screen that waits to be paired: no one has
	// changed anything yet, so no event records it.
	PutDevice(Device) error
	// DeleteDevice deletes a screen that waits to be paired (one with no
	// token), dropped or expired before approval.
	DeleteDevice(id string) error
	EachDevice(fn func(Device) error) error

	// Change writes the records of an access change and the event that
	// records it in one durable transaction, and returns the event
	// numbered.
	Change(Change, shop.Event) (shop.Event, error)
}

// Change is what one access change writes.
type Change struct {
	// Devices are written whole; the store keeps the index of device
	// tokens in step with each one's TokenKey.
	Devices []Device
	// Tokens are API tokens issued.
	Tokens []APIToken
	// RevokedTokens are the keys of API tokens revoked.
	RevokedTokens []string
}

// By says who makes an access change and when: the start of its event.
type By struct {
	At     time.Time
	Actor  string
	Device string
}

// ByActor is a change by an actor at a time (the shop's clock, which dates
// every event); without a user, the actor is a screen.
func ByActor(actor shop.Actor, at time.Time) By {
	name := actor.UserID
	if name == "" {
		name = "screen"
	}
	return By{At: at, Actor: name, Device: actor.DeviceID}
}

// BySystem is a change the server makes itself, such as the demo's token
// for scripts made at start-up.
func BySystem(at time.Time) By { return By{At: at, Actor: "system"} }

// record writes a change with its event, of a type and subject with data.
func record(st Store, by By, typ, subject string, data any, ch Change) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = st.Change(ch, shop.Event{At: by.At, Actor: by.Actor, Device: by.Device, Type: typ, Subject: subject, Data: raw})
	return err
}

// ErrNotFound means no record answers the request: no such token, screen
// or pairing.
var ErrNotFound = errors.New("access: not found")
