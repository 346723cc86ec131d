// Package access keeps who may come in: staff sessions (a password, or a
// technician's badge and PIN), API tokens for scripts, the screens paired
// with a code a manager approves, the sign-in lockout, and the hashing of
// passwords, PINs and tokens.
//
// Its records live in the data file through the small Store it declares
// (internal/store implements it); a screen paired, changed or revoked and a
// token issued or revoked are written with the event that records them.
// Sessions and locks run on the wall clock the caller passes in. It knows
// nothing of HTTP: internal/web maps cookies, headers and problem answers
// to it. It never stores a secret, only its hash.
package access
