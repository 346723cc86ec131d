package store

import (
	"encoding/json"
	"fmt"

	"bayboard/internal/access"
	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
)

// The store keeps access's records (access.Store): sessions, API tokens
// and screens, each kind in its bucket under auth/, as JSON keyed by the
// hash of its token (a screen by its id), with an index from a screen's
// token to the screen.

// accessBucket returns one kind's bucket under auth/, creating it when the
// transaction is writable.
func accessBucket(tx *bolt.Tx, name []byte) *bolt.Bucket {
	root := tx.Bucket(bucketAuth)
	if b := root.Bucket(name); b != nil || !tx.Writable() {
		return b
	}
	b, _ := root.CreateBucket(name)
	return b
}

// get reads one access record into v; false when it is absent.
func (s *Store) get(bucket []byte, key string, v any) (bool, error) {
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		b := accessBucket(tx, bucket)
		if b == nil {
			return nil
		}
		raw := b.Get([]byte(key))
		if raw == nil {
			return nil
		}
		found = true
		return json.Unmarshal(raw, v)
	})
	return found, err
}

// each calls fn with the key and value of every record of a kind; a
// record that cannot be read is left out, as if absent.
func each[T any](s *Store, bucket []byte, fn func(key string, v T) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := accessBucket(tx, bucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, raw []byte) error {
			var v T
			if json.Unmarshal(raw, &v) != nil {
				return nil
			}
			return fn(string(k), v)
		})
	})
}

// put writes one access record.
func put(tx *bolt.Tx, bucket []byte, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return accessBucket(tx, bucket).Put([]byte(key), raw)
}

// Session reads a session by its key.
func (s *Store) Session(key string) (access.Session, bool, error) {
	var ses access.Session
	ok, err := s.get(bucketSessions, key, &ses)
	ses.Key = key
	return ses, ok, err
}

// PutSession writes a session.
func (s *Store) PutSession(ses access.Session) error {
	return s.db.Update(func(tx *bolt.Tx) error { return put(tx, bucketSessions, ses.Key, ses) })
}

// DeleteSession deletes a session.
func (s *Store) DeleteSession(key string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return accessBucket(tx, bucketSessions).Delete([]byte(key)) })
}

// EachSession calls fn for every session. One that cannot be read is
// passed with its key alone, expired long ago, so that a sweep removes it.
func (s *Store) EachSession(fn func(access.Session) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := accessBucket(tx, bucketSessions)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, raw []byte) error {
			var ses access.Session
			if json.Unmarshal(raw, &ses) != nil {
				ses = access.Session{}
			}
			ses.Key = string(k)
			return fn(ses)
		})
	})
}

// APIToken reads an API token by its key.
func (s *Store) APIToken(key string) (access.APIToken, bool, error) {
	var t access.APIToken
	ok, err := s.get(bucketTokens, key, &t)
	t.Key = key
	return t, ok, err
}

// EachAPIToken calls fn for every API token.
func (s *Store) EachAPIToken(fn func(access.APIToken) error) error {
	return each(s, bucketTokens, func(key string, t access.APIToken) error {
		t.Key = key
		return fn(t)
	})
}

// Device reads a screen by its id.
func (s *Store) Device(id string) (access.Device, bool, error) {
	var d access.Device
	ok, err := s.get(bucketDevices, id, &d)
	return d, ok, err
}

// DeviceByToken reads the screen whose token has the key, through the
// index.
func (s *Store) DeviceByToken(key string) (access.Device, bool, error) {
	var id []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := accessBucket(tx, bucketDeviceTokens); b != nil {
			id = append(id, b.Get([]byte(key))...)
		}
		return nil
	})
	if err != nil || id == nil {
		return access.Device{}, false, err
	}
	return s.Device(string(id))
}

// PutDevice writes a screen.
func (s *Store) PutDevice(d access.Device) error {
	return s.db.Update(func(tx *bolt.Tx) error { return putDevice(tx, d) })
}

// putDevice writes a screen and keeps the token index in step: a token
// key it no longer has leaves the index, its new one enters it.
func putDevice(tx *bolt.Tx, d access.Device) error {
	index := accessBucket(tx, bucketDeviceTokens)
	if raw := accessBucket(tx, bucketDevices).Get([]byte(d.ID)); raw != nil {
		var old access.Device
		if json.Unmarshal(raw, &old) == nil && old.TokenKey != "" && old.TokenKey != d.TokenKey {
			if err := index.Delete([]byte(old.TokenKey)); err != nil {
				return err
			}
		}
	}
	if d.TokenKey != "" {
		if err := index.Put([]byte(d.TokenKey), []byte(d.ID)); err != nil {
			return err
		}
	}
	return put(tx, bucketDevices, d.ID, d)
}

// DeleteDevice deletes a screen, and its token from the index.
func (s *Store) DeleteDevice(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		devices := accessBucket(tx, bucketDevices)
		if raw := devices.Get([]byte(id)); raw != nil {
			var old access.Device
			if json.Unmarshal(raw, &old) == nil && old.TokenKey != "" {
				if err := accessBucket(tx, bucketDeviceTokens).Delete([]byte(old.TokenKey)); err != nil {
					return err
				}
			}
		}
		return devices.Delete([]byte(id))
	})
}

// EachDevice calls fn for every screen.
func (s *Store) EachDevice(fn func(access.Device) error) error {
	return each(s, bucketDevices, func(_ string, d access.Device) error { return fn(d) })
}

// Change writes an access change and the event that records it in one
// transaction, so that approving a screen or issuing a token has its place
// in the history like every other change. The event comes back numbered
// once the transaction is on disk; a change that fails writes nothing.
func (s *Store) Change(ch access.Change, ev shop.Event) (shop.Event, error) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, d := range ch.Devices {
			if d.ID == "" {
				return fmt.Errorf("a screen without an id")
			}
			if err := putDevice(tx, d); err != nil {
				return err
			}
		}
		for _, t := range ch.Tokens {
			if t.Key == "" {
				return fmt.Errorf("an API token without a key")
			}
			if err := put(tx, bucketTokens, t.Key, t); err != nil {
				return err
			}
		}
		for _, key := range ch.RevokedTokens {
			if err := accessBucket(tx, bucketTokens).Delete([]byte(key)); err != nil {
				return err
			}
		}
		return appendEvent(tx, &ev)
	})
	if err != nil {
		return shop.Event{}, err
	}
	return ev, nil
}

var _ access.Store = (*Store)(nil)
