package store

import (
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/shop"
)

func TestAGroupLinksSecretIsKeptInTheFileAndInNoEvent(t *testing.T) {
	secret := "the-group-9f2c-password"
	_, loaded := secretKept(t, &shop.PutGroupLink{Link: shop.GroupLink{URLs: "nats://g:4222", StoreID: "bj-01", Username: "bj01", Active: true}, Secret: secret}, secret)
	if l := loaded.GroupLink; l == nil || l.Secret != secret || l.StoreID != "bj-01" || !l.Active {
		t.Fatalf("the link as loaded: %+v", l)
	}
}

func TestTheGroupCursorIsDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := st.GroupCursor(); err != nil || c != (GroupCursor{}) {
		t.Fatalf("a new file's cursor: %+v %v", c, err)
	}
	if st.FirstSeq() != 0 {
		t.Fatalf("an empty log's first event: %d", st.FirstSeq())
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if _, err := st.Commit(nil, []shop.Event{{At: at, Type: "put_bay"}, {At: at, Type: "put_bay"}}); err != nil {
		t.Fatal(err)
	}
	want := GroupCursor{StoreID: "bj-01", URLs: "nats://g:4222", Seq: 2, Snapshot: 1}
	if err := st.SetGroupCursor(want); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if c, err := st.GroupCursor(); err != nil || c != want {
		t.Fatalf("the cursor after a restart: %+v %v", c, err)
	}
	if st.FirstSeq() != 1 || st.LastSeq() != 2 {
		t.Fatalf("first %d last %d", st.FirstSeq(), st.LastSeq())
	}
}
