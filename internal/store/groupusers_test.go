package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/shop"
)

// The group's users and their sessions are kept in its file and read back
// after it is opened again; a login is one user's.
func TestTheGroupFileKeepsItsUsersAndSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "group.db")
	g := openGroup(t, path)
	if users, err := g.GroupUsers(); err != nil || len(users) != 0 {
		t.Fatalf("a new file's users: %v %v", users, err)
	}
	north := access.GroupUser{ID: "gu-1", Login: "north", Name: "North", Role: access.GroupRegional, Stores: []string{"bj-01"},
		Active: true, PasswordHash: "pbkdf2-sha256$1$c2FsdA$a2V5"}
	if err := g.PutGroupUser(north); err != nil {
		t.Fatal(err)
	}
	taken := access.GroupUser{ID: "gu-2", Login: "north", Name: "Another", Role: access.GroupDirector, Active: true}
	if err := g.PutGroupUser(taken); !errors.Is(err, ErrLoginTaken) || shop.CodeOf(err) != shop.CodeConflict {
		t.Errorf("a second user with the login: %v", err)
	}
	// Renamed, the old login is free again.
	north.Login = "north-1"
	if err := g.PutGroupUser(north); err != nil {
		t.Fatal(err)
	}
	if err := g.PutGroupUser(taken); err != nil {
		t.Errorf("the freed login: %v", err)
	}
	token, ses, err := access.OpenSession(g.GroupAccess(), access.Opening{UserID: "gu-1", Stamp: access.GroupStamp(&north), TTL: time.Hour}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	g.Close()

	g = openGroup(t, path)
	defer g.Close()
	u, found, err := g.GroupUserByLogin("north-1")
	if err != nil || !found || u.ID != "gu-1" || u.PasswordHash != north.PasswordHash || u.Stores[0] != "bj-01" {
		t.Fatalf("north read back: %+v %v %v", u, found, err)
	}
	if _, found, _ := g.GroupUserByLogin("north"); !found {
		t.Error("the login given to gu-2 is not found")
	}
	got, ok := access.LoadSession(g.GroupAccess(), token, time.Now())
	if !ok || got.Key != ses.Key || !got.CurrentGroup(&u) {
		t.Errorf("the session read back: %+v %v", got, ok)
	}
	u.PasswordHash = "pbkdf2-sha256$1$c2FsdA$b3RoZXI"
	if got.CurrentGroup(&u) {
		t.Error("a session outlived its user's password")
	}
}
