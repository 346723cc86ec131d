package shop

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The group link's command (issue 17): the manager sets where the store
// publishes its events and under which id. The web layer builds it from
// the manager's form (a client cannot send it to the commands' route), so
// the secret is in no command's JSON, no event and no export; the data
// file alone keeps it, beside the record (store/grouplink.go).

// groupLinkID is the id of the one group link record.
const groupLinkID = "link"

// maxGroupURLs bounds the servers of a link (a cluster's nodes).
const maxGroupURLs = 16

// storeIDPattern is a store's id in its group: it is a subject token, so
// no dots, wildcards or spaces.
var storeIDPattern = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

// SecretSet says whether the link's secret is set, all a GET says of it.
func (l *GroupLink) SecretSet() bool { return l.Secret != "" }

// PutGroupLink sets the store's group link.
type PutGroupLink struct {
	kind
	Link GroupLink `json:"link"`
	// Secret is the new password or token; empty keeps the one set.
	Secret string `json:"-"`
	// ClearSecret removes the secret (a group without authentication).
	ClearSecret bool `json:"clear_secret,omitempty"`
}

func (c *PutGroupLink) CommandType() string { return "put_group_link" }

func (c *PutGroupLink) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	l := c.Link
	l.URLs = normalGroupURLs(&p, "link.urls", l.URLs)
	l.StoreID = strings.TrimSpace(l.StoreID)
	if !storeIDPattern.MatchString(l.StoreID) {
		p.add("link.store_id", "must be small letters, digits and - only, at most %d", 32)
	}
	l.Username = strings.TrimSpace(l.Username)
	checkText(&p, "link.username", l.Username, maxName, false)
	if len(c.Secret) > 500 {
		p.add("secret", "at most 500 characters")
	}
	old := d.groupLinkNow()
	secret := c.Secret
	if secret == "" && !c.ClearSecret && old != nil {
		secret = old.Secret
	}
	if l.Username != "" && secret == "" {
		p.add("secret", "is required with a user: the password")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	l.Secret = secret
	prev := d.groupLink
	d.groupLink = &l
	d.undo = append(d.undo, func() { d.groupLink = prev })
	return result{subject: groupLinkID}, nil
}

// eventData says that a secret was set, never which.
func (c *PutGroupLink) eventData() any {
	return struct {
		Link        GroupLink `json:"link"`
		SetSecret   bool      `json:"set_secret,omitempty"`
		ClearSecret bool      `json:"clear_secret,omitempty"`
	}{c.Link, c.Secret != "", c.ClearSecret}
}

// groupLinkNow is the link as the draft sees it, or nil.
func (d *Draft) groupLinkNow() *GroupLink {
	if d.groupLink != nil {
		return d.groupLink
	}
	return d.base.GroupLink
}

// normalGroupURLs checks a comma separated list of NATS server URLs
// (nats:// or tls://, a host, an optional port, nothing else) and returns
// it trimmed.
func normalGroupURLs(p *problems, field, raw string) string {
	var out []string
	for part := range strings.SplitSeq(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		u, err := url.Parse(part)
		switch {
		case err != nil || (u.Scheme != "nats" && u.Scheme != "tls"):
			p.add(field, "must be nats:// or tls:// addresses")
			return raw
		case u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
			p.add(field, "must be addresses only, scheme://host:port")
			return raw
		case u.User != nil:
			p.add(field, "must not carry a user or password: they have their own fields")
			return raw
		}
		if port := u.Port(); port != "" {
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				p.add(field, "has a port that is not between 1 and 65535")
				return raw
			}
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	if len(out) == 0 {
		p.add(field, "is required")
		return raw
	}
	if len(out) > maxGroupURLs {
		p.add(field, "at most %d servers", maxGroupURLs)
	}
	return strings.Join(out, ",")
}
