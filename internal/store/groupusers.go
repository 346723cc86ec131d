package store

import (
	"encoding/json"
	"errors"
	"fmt"

	"bayboard/internal/access"
	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
)

// The group's people and their sessions live in the group's data file
// (store.Group), beside the stores' records, under one bucket of their own:
//
//	group_auth/
//	  users/     user id → groupUserRecord (JSON: the user and its hash)
//	  logins/    login → user id
//	  sessions/  token key → access.Session
//
// The buckets are made by the first write, so a group file made before
// them opens as it is. Group users sign in through internal/access as the
// stores' staff do: GroupAccess is the access.Store of their sessions.
var (
	bucketGroupAuth     = []byte("group_auth")
	bucketGroupUsers    = []byte("users")
	bucketGroupLogins   = []byte("logins")
	bucketGroupSessions = []byte("sessions")
)

// groupUserRecord is a group user as the file keeps it: the record and its
// password's hash, which the user's own JSON never carries.
type groupUserRecord struct {
	access.GroupUser
	PasswordHash string `json:"password_hash"`
}

// groupAuthBucket returns one of group_auth's buckets, creating it in a
// writable transaction; nil when a read finds none.
func groupAuthBucket(tx *bolt.Tx, name []byte) *bolt.Bucket {
	root := tx.Bucket(bucketGroupAuth)
	if root == nil {
		if !tx.Writable() {
			return nil
		}
		root, _ = tx.CreateBucket(bucketGroupAuth)
	}
	if b := root.Bucket(name); b != nil || !tx.Writable() {
		return b
	}
	b, _ := root.CreateBucket(name)
	return b
}

// GroupUser reads a group user by id.
func (g *Group) GroupUser(id string) (access.GroupUser, bool, error) {
	var u access.GroupUser
	found := false
	err := g.db.View(func(tx *bolt.Tx) error {
		var err error
		u, found, err = groupUserIn(tx, id)
		return err
	})
	return u, found, err
}

func groupUserIn(tx *bolt.Tx, id string) (access.GroupUser, bool, error) {
	b := groupAuthBucket(tx, bucketGroupUsers)
	if b == nil {
		return access.GroupUser{}, false, nil
	}
	raw := b.Get([]byte(id))
	if raw == nil {
		return access.GroupUser{}, false, nil
	}
	var rec groupUserRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return access.GroupUser{}, false, fmt.Errorf("store: group user %s: %w", id, err)
	}
	rec.GroupUser.PasswordHash = rec.PasswordHash
	return rec.GroupUser, true, nil
}

// GroupUserByLogin reads a group user by login.
func (g *Group) GroupUserByLogin(login string) (access.GroupUser, bool, error) {
	var u access.GroupUser
	found := false
	err := g.db.View(func(tx *bolt.Tx) error {
		logins := groupAuthBucket(tx, bucketGroupLogins)
		if logins == nil {
			return nil
		}
		id := logins.Get([]byte(login))
		if id == nil {
			return nil
		}
		var err error
		u, found, err = groupUserIn(tx, string(id))
		return err
	})
	return u, found, err
}

// GroupUsers lists every group user, by id.
func (g *Group) GroupUsers() ([]access.GroupUser, error) {
	out := []access.GroupUser{}
	err := g.db.View(func(tx *bolt.Tx) error {
		b := groupAuthBucket(tx, bucketGroupUsers)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			u, _, err := groupUserIn(tx, string(k))
			if err != nil {
				return err
			}
			out = append(out, u)
			return nil
		})
	})
	return out, err
}

// ErrLoginTaken is PutGroupUser's refusal of a login another user has.
var ErrLoginTaken = &shop.Error{Code: shop.CodeConflict, Message: "another group user has this login",
	Fields: []shop.FieldError{{Field: "login", Message: "is taken"}}}

// PutGroupUser writes a group user whole, with its hash, in one fsynced
// transaction.
func (g *Group) PutGroupUser(u access.GroupUser) error {
	if u.ID == "" {
		return errors.New("store: a group user without an id")
	}
	return g.db.Update(func(tx *bolt.Tx) error {
		users, logins := groupAuthBucket(tx, bucketGroupUsers), groupAuthBucket(tx, bucketGroupLogins)
		if holder := logins.Get([]byte(u.Login)); holder != nil && string(holder) != u.ID {
			return ErrLoginTaken
		}
		if old, found, err := groupUserIn(tx, u.ID); err != nil {
			return err
		} else if found && old.Login != u.Login {
			if err := logins.Delete([]byte(old.Login)); err != nil {
				return err
			}
		}
		raw, err := json.Marshal(groupUserRecord{GroupUser: u, PasswordHash: u.PasswordHash})
		if err != nil {
			return err
		}
		if err := users.Put([]byte(u.ID), raw); err != nil {
			return err
		}
		return logins.Put([]byte(u.Login), []byte(u.ID))
	})
}

// GroupAccess is the access.Store of the group's sessions. The group has
// no API tokens or paired screens: those are a store's; asked for, there
// are none, and an access change is refused.
func (g *Group) GroupAccess() access.Store { return groupAccess{g} }

type groupAccess struct{ g *Group }

func (a groupAccess) Session(key string) (access.Session, bool, error) {
	var ses access.Session
	found := false
	err := a.g.db.View(func(tx *bolt.Tx) error {
		b := groupAuthBucket(tx, bucketGroupSessions)
		if b == nil {
			return nil
		}
		raw := b.Get([]byte(key))
		if raw == nil {
			return nil
		}
		found = true
		return json.Unmarshal(raw, &ses)
	})
	ses.Key = key
	return ses, found, err
}

func (a groupAccess) PutSession(ses access.Session) error {
	raw, err := json.Marshal(ses)
	if err != nil {
		return err
	}
	return a.g.db.Update(func(tx *bolt.Tx) error {
		return groupAuthBucket(tx, bucketGroupSessions).Put([]byte(ses.Key), raw)
	})
}

func (a groupAccess) DeleteSession(key string) error {
	return a.g.db.Update(func(tx *bolt.Tx) error {
		return groupAuthBucket(tx, bucketGroupSessions).Delete([]byte(key))
	})
}

func (a groupAccess) EachSession(fn func(access.Session) error) error {
	return a.g.db.View(func(tx *bolt.Tx) error {
		b := groupAuthBucket(tx, bucketGroupSessions)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, raw []byte) error {
			var ses access.Session
			if json.Unmarshal(raw, &ses) != nil {
				return nil
			}
			ses.Key = string(k)
			return fn(ses)
		})
	})
}

func (groupAccess) APIToken(string) (access.APIToken, bool, error) {
	return access.APIToken{}, false, nil
}
func (groupAccess) EachAPIToken(func(access.APIToken) error) error { return nil }
func (groupAccess) Device(string) (access.Device, bool, error)     { return access.Device{}, false, nil }
func (groupAccess) DeviceByToken(string) (access.Device, bool, error) {
	return access.Device{}, false, nil
}
func (groupAccess) PutDevice(access.Device) error              { return errNoGroupDevices }
func (groupAccess) DeleteDevice(string) error                  { return nil }
func (groupAccess) EachDevice(func(access.Device) error) error { return nil }
func (groupAccess) Change(access.Change, shop.Event) (shop.Event, error) {
	return shop.Event{}, errNoGroupDevices
}

var errNoGroupDevices = errors.New("store: the group's file keeps no screens or API tokens")
