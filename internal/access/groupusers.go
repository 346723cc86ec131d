package access

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"bayboard/internal/shop"
)

// A dealer group's people (issue 17) sign in to `bayboard group` as a
// store's staff sign in to their store: a login and password, the same
// hashing, sessions and lockout. Their roles are the group's, not a
// store's: a director sees every store, a regional manager the stores
// listed on their record and no other, in any page, answer or feed.

// GroupRole is a group user's role.
type GroupRole string

// The group's roles.
const (
	// GroupDirector sees every store and manages the group's users.
	GroupDirector GroupRole = "director"
	// GroupRegional sees the stores listed on their record.
	GroupRegional GroupRole = "regional"
)

// GroupUser is a person of the dealer group.
type GroupUser struct {
	ID    string    `json:"id"`
	Login string    `json:"login"`
	Name  string    `json:"name"`
	Role  GroupRole `json:"role"`
	// Stores are the store ids a regional manager sees; a director's is
	// empty (every store).
	Stores []string `json:"stores"`
	Active bool     `json:"active"`
	// MustChangePassword: the one-time password of a new account.
	MustChangePassword bool      `json:"must_change_password,omitempty"`
	Created            time.Time `json:"created"`
	// PasswordHash is kept by the store beside the record, never in the
	// JSON a page gets.
	PasswordHash string `json:"-"`
}

// MaySee reports whether the user may see a store: the one check every
// group route, answer and feed asks.
func (u *GroupUser) MaySee(store string) bool {
	if u == nil || !u.Active {
		return false
	}
	return u.Role == GroupDirector || slices.Contains(u.Stores, store)
}

// Scope names the set of stores the user sees: "*" for every store, else
// the ids in order, comma separated. Users with one scope share one wall
// board feed.
func (u *GroupUser) Scope() string {
	if u.Role == GroupDirector {
		return "*"
	}
	ids := slices.Clone(u.Stores)
	slices.Sort(ids)
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ","
		}
		out += id
	}
	return out
}

// GroupStamp is Stamp for a group user: a session lives while the user's
// password stays the one it was opened with.
func GroupStamp(u *GroupUser) string {
	return Stamp(&shop.User{PasswordHash: u.PasswordHash})
}

// CurrentGroup reports whether a session still stands for its group user.
func (s *Session) CurrentGroup(u *GroupUser) bool {
	return u != nil && u.Active && s.Stamp != "" && s.Stamp == GroupStamp(u)
}

var (
	groupLogin   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,31}$`)
	groupStoreID = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)
)

// MaxGroupStores bounds the stores one regional manager's record lists.
const MaxGroupStores = 500

// CheckGroupUser checks a group user's record as a director sends it.
func CheckGroupUser(u GroupUser) error {
	switch {
	case !groupLogin.MatchString(u.Login):
		return invalidField(shop.FieldError{Field: "login", Message: "1 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"})
	case u.Name == "" || len([]rune(u.Name)) > 64:
		return invalidField(shop.FieldError{Field: "name", Message: "a name of 1 to 64 characters"})
	case u.Role != GroupDirector && u.Role != GroupRegional:
		return invalidField(shop.FieldError{Field: "role", Message: fmt.Sprintf("%q or %q", GroupDirector, GroupRegional)})
	case u.Role == GroupRegional && len(u.Stores) == 0:
		return invalidField(shop.FieldError{Field: "stores", Message: "a regional manager sees at least one store"})
	case len(u.Stores) > MaxGroupStores:
		return invalidField(shop.FieldError{Field: "stores", Message: fmt.Sprintf("at most %d stores", MaxGroupStores)})
	}
	for _, id := range u.Stores {
		if !groupStoreID.MatchString(id) {
			return invalidField(shop.FieldError{Field: "stores", Message: fmt.Sprintf("%q is not a store id (1 to 32 of a-z, 0-9 and '-')", id)})
		}
	}
	return nil
}

// GroupUsers keeps the group's users; internal/store implements it on the
// group's data file.
type GroupUsers interface {
	GroupUser(id string) (GroupUser, bool, error)
	GroupUserByLogin(login string) (GroupUser, bool, error)
	GroupUsers() ([]GroupUser, error)
	// PutGroupUser writes a user whole, its hash with it; a login another
	// user holds is refused with a conflict.
	PutGroupUser(GroupUser) error
}

// invalidField is a refusal of one field. Its message is written out as a
// FieldError where it is said, so the pages' catalog test finds it and the
// pages say it in their language (staff.rule.*).
func invalidField(fe shop.FieldError) error {
	return &shop.Error{Code: shop.CodeInvalid, Message: "the group user is not valid", Fields: []shop.FieldError{fe}}
}
