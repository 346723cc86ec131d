package access

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// DefaultHashCost is the PBKDF2-SHA256 iterations of a stored password or
// PIN: one guess costs a few tens of milliseconds; the lockout stops online
// guessing long before that matters.
const DefaultHashCost = 120_000

// Hasher hashes passwords and PINs for storage at a cost, PBKDF2-SHA256's
// iterations. A hash records its cost, so CheckSecret reads a hash made at
// any cost.
type Hasher struct{ cost int }

// NewHasher makes a hasher at cost iterations; 0 (or less) is
// DefaultHashCost, what a shop runs with. Only tests ask for less: they
// hash and check secrets by the hundred.
func NewHasher(cost int) Hasher {
	if cost <= 0 {
		cost = DefaultHashCost
	}
	return Hasher{cost: cost}
}

// Hash hashes a password or PIN for storage.
func (h Hasher) Hash(secret string) string {
	cost := h.cost
	if cost <= 0 {
		cost = DefaultHashCost
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	key, _ := pbkdf2.Key(sha256.New, secret, salt, cost, 32)
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", cost,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckSecret compares a secret with a stored hash in constant time.
func CheckSecret(secret, stored string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 || iter > 10_000_000 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[2])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[3])
	if err1 != nil || err2 != nil {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, secret, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// NewToken returns a random bearer secret: 160 bits, URL-safe.
func NewToken() string {
	b := make([]byte, 20)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// NewPassword returns a random password a person can type: 16 letters and
// digits without look-alikes.
func NewPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// TokenKey is how a token is stored: its hash, so a stolen backup holds no
// usable credential.
func TokenKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
