package access

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"bayboard/internal/shop"
)

// Views a screen may be given.
var Views = []string{"workshop", "lounge", "appointments", "parts", "wash", "advisor", "kiosk"}

// Pairing bounds. A screen anyone on the LAN starts pairing is a record in
// the file, so the waiting list is bounded; a flood of requests must not
// keep a real screen from pairing, so a new request is never refused for
// the list's size: it drops the oldest waiting ones instead. A request
// waits PairingTTL of real time; at most MaxWaitingPerAddress wait from
// one address (its oldest goes first) and MaxWaiting in all. A real screen
// whose request was dropped or expired hears "no such pairing" when it
// asks, and starts again with a new code.
const (
	MaxWaiting           = 50
	MaxWaitingPerAddress = 3
	PairingTTL           = 15 * time.Minute
)

// Pairing is what a screen asks for when it starts pairing, and from
// which address.
type Pairing struct {
	Name    string
	Kiosk   bool
	Address string
}

// waiting reports whether a screen waits for approval at wall, the wall
// clock's time: not approved, not revoked, not expired.
func (d *Device) waiting(wall time.Time) bool {
	return !d.Approved && !d.Revoked && wall.Before(d.Expires)
}

// StartPairing registers a new screen, named as it asks, with a six-digit
// code to show that a manager approves. It returns the screen and the
// secret with which only this screen collects its token (CollectPairing).
// at is the shop's time (the screen's Created); wall is the wall clock's,
// on which the request expires. Expired requests are deleted here, and the
// oldest waiting ones make room as the bounds say.
func StartPairing(st Store, p Pairing, at, wall time.Time) (Device, string, error) {
	if len([]rune(p.Name)) > 60 {
		return Device{}, "", &shop.Error{Code: shop.CodeInvalid, Message: "name too long",
			Fields: []shop.FieldError{{Field: "name", Message: "at most 60 characters"}}}
	}
	var waiting, stale []Device
	err := st.EachDevice(func(d Device) error {
		switch {
		case d.waiting(wall):
			waiting = append(waiting, d)
		case !d.Approved && !d.Revoked:
			stale = append(stale, d)
		}
		return nil
	})
	if err != nil {
		return Device{}, "", err
	}
	// Oldest first: the first to go when there is no room.
	sort.SliceStable(waiting, func(a, b int) bool { return waiting[a].Expires.Before(waiting[b].Expires) })
	fromAddress := 0
	for _, d := range waiting {
		if d.Address == p.Address {
			fromAddress++
		}
	}
	var kept []Device
	for _, d := range waiting {
		if d.Address == p.Address && fromAddress >= MaxWaitingPerAddress {
			stale, fromAddress = append(stale, d), fromAddress-1
			continue
		}
		kept = append(kept, d)
	}
	for len(kept) >= MaxWaiting {
		stale, kept = append(stale, kept[0]), kept[1:]
	}
	for _, d := range stale {
		if err := st.DeleteDevice(d.ID); err != nil {
			return Device{}, "", err
		}
	}
	poll := NewToken()
	d := Device{ID: "dev-" + NewToken()[:10], Name: p.Name, Code: newPairingCode(kept),
		Kiosk: p.Kiosk, PollKey: TokenKey(poll), Created: at, Views: []string{}, Address: p.Address, Expires: wall.Add(PairingTTL)}
	if err := st.PutDevice(d); err != nil {
		return Device{}, "", err
	}
	return d, poll, nil
}

// newPairingCode draws a six-digit code that no waiting screen shows, so
// that a code names one screen.
func newPairingCode(waiting []Device) string {
	for {
		code := fmt.Sprintf("%06d", rand.IntN(1_000_000))
		if !slices.ContainsFunc(waiting, func(d Device) bool { return d.Code == code }) {
			return code
		}
	}
}

// CollectPairing is asked by the waiting screen with its secret. Until a
// manager approves it, the screen comes back without a token; once
// approved, it comes back with its token in Token, handed over this once
// (the poll secret then opens nothing). The screen collecting its token is
// the device it pairs, and is the actor of the event, at the shop's time
// at. ErrNotFound: no screen waits with that id and secret.
func CollectPairing(st Store, id, secret string, at, wall time.Time) (Device, error) {
	d, ok, err := st.Device(id)
	if err != nil {
		return Device{}, err
	}
	if !ok || d.PollKey == "" || TokenKey(secret) != d.PollKey {
		return Device{}, ErrNotFound
	}
	if !d.Approved {
		if !d.waiting(wall) {
			return Device{}, ErrNotFound
		}
		return d, nil
	}
	token := NewToken()
	d.TokenKey, d.PollKey = TokenKey(token), ""
	err = record(st, ByActor(shop.Actor{DeviceID: d.ID}, at), "screen_paired", d.ID, map[string]string{"name": d.Name},
		Change{Devices: []Device{d}})
	if err != nil {
		return Device{}, err
	}
	d.Token = token
	return d, nil
}

// ApproveScreen approves the waiting screen showing a code, naming it and
// choosing its views and language. ErrNotFound: no screen waits with it at
// wall, the wall clock's time.
func ApproveScreen(st Store, by By, wall time.Time, code, name string, views []string, lang string) (Device, error) {
	if err := CheckScreen(name, views, lang); err != nil {
		return Device{}, err
	}
	var found *Device
	st.EachDevice(func(d Device) error {
		if d.waiting(wall) && d.Code == code {
			found = &d
		}
		return nil
	})
	if found == nil {
		return Device{}, ErrNotFound
	}
	d := *found
	d.Approved, d.Code, d.Name, d.Views, d.Lang, d.Address, d.Expires = true, "", name, views, lang, "", time.Time{}
	if err := recordScreen(st, by, "screen_approved", d); err != nil {
		return Device{}, err
	}
	d.PollKey = ""
	return d, nil
}

// ChangeScreen renames an approved screen or changes its views or
// language; the screen picks the change up when it next loads its board.
// ErrNotFound: no approved screen has the id.
func ChangeScreen(st Store, by By, id, name string, views []string, lang string) (Device, error) {
	if err := CheckScreen(name, views, lang); err != nil {
		return Device{}, err
	}
	d, ok, err := st.Device(id)
	if err != nil {
		return Device{}, err
	}
	if !ok || d.Revoked || !d.Approved {
		return Device{}, ErrNotFound
	}
	d.Name, d.Views, d.Lang = name, views, lang
	if err := recordScreen(st, by, "screen_changed", d); err != nil {
		return Device{}, err
	}
	d.TokenKey, d.PollKey = "", ""
	return d, nil
}

// RevokeScreen takes a screen's token away: it shows nothing from its next
// request. ErrNotFound: no screen has the id.
func RevokeScreen(st Store, by By, id string) error {
	d, ok, err := st.Device(id)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	d.Revoked, d.TokenKey, d.PollKey = true, "", ""
	return recordScreen(st, by, "screen_revoked", d)
}

// recordScreen writes a screen and the event naming what it now is.
func recordScreen(st Store, by By, typ string, d Device) error {
	return record(st, by, typ, d.ID, map[string]any{"name": d.Name, "views": d.Views, "lang": d.Lang},
		Change{Devices: []Device{d}})
}

// LoadDevice finds the screen a device token belongs to, through the
// token index (a TV asks on every request); nil for none or a revoked one.
func LoadDevice(st Store, token string) *Device {
	if token == "" {
		return nil
	}
	key := TokenKey(token)
	d, ok, err := st.DeviceByToken(key)
	if err != nil || !ok || d.Revoked || d.TokenKey != key {
		return nil
	}
	return &d
}

// Screens lists every screen, oldest first, without its keys; a request
// expired at wall is left out.
func Screens(st Store, wall time.Time) ([]Device, error) {
	out := []Device{}
	err := st.EachDevice(func(d Device) error {
		if !d.Approved && !d.Revoked && !d.waiting(wall) {
			return nil
		}
		d.TokenKey, d.PollKey = "", ""
		out = append(out, d)
		return nil
	})
	sort.Slice(out, func(a, b int) bool { return out[a].Created.Before(out[b].Created) })
	return out, err
}

// PairedScreens counts the screens approved and not revoked.
func PairedScreens(st Store) (int, error) {
	paired := 0
	err := st.EachDevice(func(d Device) error {
		if d.Approved && !d.Revoked {
			paired++
		}
		return nil
	})
	return paired, err
}

// CheckScreen checks what a manager gives a screen: a name, its views and
// its language.
func CheckScreen(name string, views []string, lang string) error {
	var fields []shop.FieldError
	if len(views) == 0 {
		fields = append(fields, shop.FieldError{Field: "views", Message: "at least one view"})
	}
	for i, v := range views {
		if !slices.Contains(Views, v) {
			fields = append(fields, shop.FieldError{Field: fmt.Sprintf("views[%d]", i), Message: fmt.Sprintf("%q is not a view", v)})
		}
	}
	if lang != "zh-CN" && lang != "en" {
		fields = append(fields, shop.FieldError{Field: "lang", Message: "zh-CN or en"})
	}
	if name == "" || len([]rune(name)) > 60 {
		fields = append(fields, shop.FieldError{Field: "name", Message: "1 to 60 characters"})
	}
	if len(fields) > 0 {
		return &shop.Error{Code: shop.CodeInvalid, Message: "the request has invalid fields", Fields: fields}
	}
	return nil
}
