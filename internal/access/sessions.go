package access

import "time"

// Session lengths: staff sign in once a shift; a kiosk session of a
// technician ends sooner, since the tablet is shared (the shop's
// kiosk_idle_minutes setting changes it).
const (
	StaffSessionTTL = 12 * time.Hour
	KioskSessionTTL = 30 * time.Minute
)

// OpenSession signs a user in for ttl from now, on a device if the
// browser is a paired one, and returns the token for the browser to hold
// with its session. A session opened with a badge and PIN (byBadge) lives
// while it is used. now is the wall clock's time: sessions last real time.
func OpenSession(st Store, userID, deviceID string, now time.Time, ttl time.Duration, byBadge bool) (string, Session, error) {
	token := NewToken()
	ses := Session{Key: TokenKey(token), UserID: userID, CSRF: NewToken(), DeviceID: deviceID, Expires: now.Add(ttl)}
	if byBadge {
		ses.Idle = int64(ttl)
	}
	if err := st.PutSession(ses); err != nil {
		return "", Session{}, err
	}
	return token, ses, nil
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
