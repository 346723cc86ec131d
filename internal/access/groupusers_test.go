package access_test

import (
	"testing"

	"bayboard/internal/access"
	"bayboard/internal/shop"
)

func TestAGroupUserSeesTheStoresOfTheirRole(t *testing.T) {
	director := &access.GroupUser{Role: access.GroupDirector, Active: true}
	north := &access.GroupUser{Role: access.GroupRegional, Stores: []string{"bj-02", "bj-01"}, Active: true}
	gone := &access.GroupUser{Role: access.GroupDirector, Active: false}
	for _, tc := range []struct {
		u     *access.GroupUser
		store string
		may   bool
	}{
		{director, "sh-09", true},
		{north, "bj-01", true},
		{north, "sh-09", false},
		{gone, "bj-01", false},
		{nil, "bj-01", false},
	} {
		if got := tc.u.MaySee(tc.store); got != tc.may {
			t.Errorf("%+v may see %s: %v, want %v", tc.u, tc.store, got, tc.may)
		}
	}
	if director.Scope() != "*" || north.Scope() != "bj-01,bj-02" {
		t.Errorf("scopes %q %q", director.Scope(), north.Scope())
	}
}

func TestAGroupUserIsChecked(t *testing.T) {
	ok := access.GroupUser{Login: "north", Name: "North", Role: access.GroupRegional, Stores: []string{"bj-01"}}
	if err := access.CheckGroupUser(ok); err != nil {
		t.Fatal(err)
	}
	for field, u := range map[string]access.GroupUser{
		"login":  {Login: "North Manager", Name: "N", Role: access.GroupDirector},
		"name":   {Login: "n", Role: access.GroupDirector},
		"role":   {Login: "n", Name: "N", Role: "manager"},
		"stores": {Login: "n", Name: "N", Role: access.GroupRegional},
	} {
		err := access.CheckGroupUser(u)
		var e *shop.Error
		if err == nil || shop.CodeOf(err) != shop.CodeInvalid {
			t.Errorf("%s: %v", field, err)
			continue
		}
		e = err.(*shop.Error)
		if len(e.Fields) != 1 || e.Fields[0].Field != field {
			t.Errorf("%s: fields %+v", field, e.Fields)
		}
	}
	bad := ok
	bad.Stores = []string{"BJ 01"}
	if err := access.CheckGroupUser(bad); err == nil {
		t.Error("a store id with a space and capitals passed")
	}
}
