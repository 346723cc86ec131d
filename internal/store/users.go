package store

import (
	"encoding/json"

	"bayboard/internal/shop"
)

// storedUser is a user as the data file keeps it. shop.User leaves the
// hashes of its password and PIN out of every JSON encoding, so that no
// answer, event or export can carry them; the file alone keeps them, under
// the keys it always had, so files written before read as they are.
type storedUser struct {
	*shop.User
	PasswordHash string `json:"password_hash,omitempty"`
	PINHash      string `json:"pin_hash,omitempty"`
}

// encodeRecord is a record's value as the file keeps it.
func encodeRecord(v any) ([]byte, error) {
	if u, ok := v.(*shop.User); ok {
		return json.Marshal(storedUser{User: u, PasswordHash: u.PasswordHash, PINHash: u.PINHash})
	}
	if w, ok := v.(*shop.Webhook); ok {
		return json.Marshal(storedWebhook{Webhook: w, Secret: w.Secret})
	}
	if m, ok := v.(*shop.MessageSender); ok {
		return json.Marshal(storedSender{MessageSender: m, Secret: m.Secret})
	}
	if l, ok := v.(*shop.GroupLink); ok {
		return json.Marshal(storedGroupLink{GroupLink: l, Secret: l.Secret})
	}
	return json.Marshal(v)
}

// decodeRecord reads a record of a kind as the file keeps it, refusing a
// field this code does not know (decodeStrict).
func decodeRecord(kind string, data []byte) (any, error) {
	val := shop.NewRecord(kind)
	if u, ok := val.(*shop.User); ok {
		su := storedUser{User: u}
		if err := decodeStrict(data, &su); err != nil {
			return nil, err
		}
		u.PasswordHash, u.PINHash = su.PasswordHash, su.PINHash
		return u, nil
	}
	if w, ok := val.(*shop.Webhook); ok {
		sw := storedWebhook{Webhook: w}
		if err := decodeStrict(data, &sw); err != nil {
			return nil, err
		}
		w.Secret = sw.Secret
		return w, nil
	}
	if m, ok := val.(*shop.MessageSender); ok {
		sm := storedSender{MessageSender: m}
		if err := decodeStrict(data, &sm); err != nil {
			return nil, err
		}
		m.Secret = sm.Secret
		return m, nil
	}
	if l, ok := val.(*shop.GroupLink); ok {
		sl := storedGroupLink{GroupLink: l}
		if err := decodeStrict(data, &sl); err != nil {
			return nil, err
		}
		l.Secret = sl.Secret
		return l, nil
	}
	if err := decodeStrict(data, val); err != nil {
		return nil, err
	}
	return val, nil
}
