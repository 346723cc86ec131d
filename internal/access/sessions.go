package access

import (
	"time"

	"bayboard/internal/shop"
)

// Session lengths: staff sign in once a shift; a kiosk session of a
// technician ends sooner, since the tablet is shared (the shop's
// kiosk_idle_minutes setting changes it).
const (
	StaffSessionTTL = 12 * time.Hour
	KioskSessionTTL = 30 * time.Minute
)

// Opening is what a sign-in opens: whose session, on which paired device,
// for how long, and how.
type Opening struct {
	UserID   string
	DeviceID string
	// Stamp is the user's Stamp at sign-in: a session lives only while
	// the user's secrets and badge stay as they were.
	Stamp string
	TTL   time.Duration
	// Idle: the session lives while it is used, TTL past its last use (a
	// kiosk's sessions, on a device the whole floor shares).
	Idle bool
	// Badge: opened with a badge and PIN rather than a password.
	Badge bool
}

// OpenSession signs a user in from now, and returns the token for the
// browser to hold with its session. now is the wall clock's time: sessions
// last real time.
func OpenSession(st Store, o Opening, now time.Time) (string, Session, error) {
	token := NewToken()
	ses := Session{Key: TokenKey(token), UserID: o.UserID, CSRF: NewToken(), DeviceID: o.DeviceID,
		Expires: now.Add(o.TTL), Stamp: o.Stamp, Badge: o.Badge}
	if o.Idle {
		ses.Idle = int64(o.TTL)
	}
	if err := st.PutSession(ses); err != nil {
		return "", Session{}, err
	}
	return token, ses, nil
}

// Stamp digests what a session of a user rests on: their password and PIN
// (their hashes) and their badge code. Changing any of them changes the
// stamp, and a session opened under another stamp opens nothing (Current).
func Stamp(u *shop.User) string {
	return TokenKey(u.PasswordHash + "\x00" + u.PINHash + "\x00" + u.BadgeCode)[:16]
}

// Current reports whether a session still stands for its user: the user
// exists, is active and has the secrets and badge it was opened with.
func (s *Session) Current(u *shop.User) bool {
	return u != nil && u.Active && s.Stamp != "" && s.Stamp == Stamp(u)
}

// Restamp keeps a session open across its own user's change of password:
// the one who changes it stays signed in, every other session ends.
func Restamp(st Store, ses Session, u *shop.User) error {
	ses.Stamp = Stamp(u)
	return st.PutSession(ses)
}

// EndSessions deletes every session of a user but the one whose key is
// keep (empty: all of them), and says how many it ended.
func EndSessions(st Store, userID, keep string) (int, error) {
	var ended []string
	err := st.EachSession(func(ses Session) error {
		if ses.UserID == userID && ses.Key != keep {
			ended = append(ended, ses.Key)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, key := range ended {
		if err := st.DeleteSession(key); err != nil {
			return 0, err
		}
	}
	return len(ended), nil
}

// LoadSession finds the session of a token at now (the wall clock's time),
// deleting it when it has expired and extending a kiosk session in use.
func LoadSession(st Store, token string, now time.Time) (Session, bool) {
	if token == "" {
		return Session{}, false
	}
	key := TokenKey(token)
	ses, ok, err := st.Session(key)
	if !ok {
		return Session{}, false
	}
	if err != nil || now.After(ses.Expires) {
		st.DeleteSession(key)
		return Session{}, false
	}
	if ses.Idle > 0 && ses.Expires.Sub(now) < time.Duration(ses.Idle)-time.Minute {
		// A kiosk session lives while it is used.
		ses.Expires = now.Add(time.Duration(ses.Idle))
		st.PutSession(ses)
	}
	return ses, true
}

// CloseSession signs a session out.
func CloseSession(st Store, key string) error { return st.DeleteSession(key) }

// SweepSessions deletes the sessions expired at now, so that a shop's file
// does not keep every sign-in of every shift. The server calls it now and
// then. Sessions expire on the wall clock: now must be the wall clock's
// time, never the shop's clock, which the demo runs faster.
func SweepSessions(st Store, now time.Time) (int, error) {
	var expired []string
	err := st.EachSession(func(ses Session) error {
		if now.After(ses.Expires) {
			expired = append(expired, ses.Key)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, key := range expired {
		if err := st.DeleteSession(key); err != nil {
			return 0, err
		}
	}
	return len(expired), nil
}
