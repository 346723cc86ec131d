package kiosk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Purpose says what a token opens; a token for one purpose never opens
// another.
type Purpose string

const (
	PurposeBay      Purpose = "bay"
	PurposeJob      Purpose = "job"
	PurposeBadge    Purpose = "badge"
	PurposeCustomer Purpose = "customer"
)

var (
	ErrForged       = errors.New("the code is not one this shop made")
	ErrWrongPurpose = errors.New("the code is for something else")
	ErrExpired      = errors.New("the code has expired")
)

// Tokens signs and checks QR tokens with the shop's secret.
type Tokens struct {
	secret []byte
}

// NewTokens returns a signer over the shop's secret (from the data file).
func NewTokens(secret []byte) *Tokens { return &Tokens{secret: append([]byte(nil), secret...)} }

// macLen is 10 bytes (80 bits) of HMAC-SHA256: forging one is out of reach
// for anyone scanning codes, and the QR stays small enough to scan from a
// phone at arm's length.
const macLen = 10

var enc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Sign makes a token for one object. expires zero means it does not expire
// (bay and badge codes are printed once); gen is the object's link
// generation, bumped to revoke every earlier token.
func (t *Tokens) Sign(p Purpose, id string, expires time.Time, gen int) string {
	exp := "0"
	if !expires.IsZero() {
		exp = strconv.FormatInt(expires.Unix()/60, 36)
	}
	body := id + "." + exp + "." + strconv.Itoa(gen)
	return body + "." + t.mac(p, body)
}

func (t *Tokens) mac(p Purpose, body string) string {
	m := hmac.New(sha256.New, t.secret)
	m.Write([]byte(p))
	m.Write([]byte{0})
	m.Write([]byte(body))
	return enc.EncodeToString(m.Sum(nil)[:macLen])
}

// Verify checks a token for a purpose and returns the object's id and the
// link generation it was made for.
func (t *Tokens) Verify(p Purpose, token string, now time.Time) (id string, gen int, err error) {
	if len(token) > 200 {
		return "", 0, ErrForged
	}
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return "", 0, ErrForged
	}
	body, mac := token[:i], token[i+1:]
	if !hmac.Equal([]byte(mac), []byte(t.mac(p, body))) {
		for _, other := range []Purpose{PurposeBay, PurposeJob, PurposeBadge, PurposeCustomer} {
			if other != p && hmac.Equal([]byte(mac), []byte(t.mac(other, body))) {
				return "", 0, ErrWrongPurpose
			}
		}
		return "", 0, ErrForged
	}
	parts := strings.Split(body, ".")
	if len(parts) < 3 {
		return "", 0, ErrForged
	}
	n := len(parts)
	id = strings.Join(parts[:n-2], ".")
	gen, err = strconv.Atoi(parts[n-1])
	if err != nil {
		return "", 0, ErrForged
	}
	if parts[n-2] != "0" {
		minutes, err := strconv.ParseInt(parts[n-2], 36, 64)
		if err != nil {
			return "", 0, ErrForged
		}
		if !now.Before(time.Unix(minutes*60, 0)) {
			return "", 0, ErrExpired
		}
	}
	return id, gen, nil
}
