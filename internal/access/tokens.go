package access

import (
	"sort"
)

// IssueToken stores a new API token acting as a user, only its hash, with
// the event of its issue, and returns the token: it is shown once.
func IssueToken(st Store, by By, userID, name string) (string, error) {
	token := NewToken()
	t := APIToken{Key: TokenKey(token), UserID: userID, Name: name, Created: by.At}
	err := record(st, by, "token_issued", t.ID(), map[string]string{"name": name, "user_id": userID},
		Change{Tokens: []APIToken{t}})
	return token, err
}

// LoadToken finds the API token a script sends.
func LoadToken(st Store, token string) (APIToken, bool) {
	t, ok, err := st.APIToken(TokenKey(token))
	return t, ok && err == nil
}

// Tokens lists the API tokens, oldest first: their hashes, never the
// tokens themselves.
func Tokens(st Store) ([]APIToken, error) {
	out := []APIToken{}
	err := st.EachAPIToken(func(t APIToken) error {
		out = append(out, t)
		return nil
	})
	sort.Slice(out, func(a, b int) bool { return out[a].Created.Before(out[b].Created) })
	return out, err
}

// RevokeToken deletes the API token of an id (APIToken.ID): the scripts
// using it are refused from their next request. It fails with ErrNotFound
// when no token has the id.
func RevokeToken(st Store, by By, id string) error {
	var found *APIToken
	err := st.EachAPIToken(func(t APIToken) error {
		if t.ID() == id {
			found = &t
		}
		return nil
	})
	if err != nil {
		return err
	}
	if found == nil {
		return ErrNotFound
	}
	return record(st, by, "token_revoked", id, map[string]string{"name": found.Name, "user_id": found.UserID},
		Change{RevokedTokens: []string{found.Key}})
}
