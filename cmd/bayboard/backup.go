package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"bayboard/internal/store"
)

// backup copies the data file: from the file itself when no server holds
// it, or from a running server over its admin API (a hot backup).
func backup(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlags("backup", stdout)
	data := fs.String("data", envDefault(getenv, "BAYBOARD_DATA", DefaultData), "data file (BAYBOARD_DATA)")
	url := fs.String("url", getenv("BAYBOARD_URL"), "a running server to back up (BAYBOARD_URL)")
	token := fs.String("token", getenv("BAYBOARD_TOKEN"), "a manager's API token, with --url (BAYBOARD_TOKEN)")
	out := fs.String("out", "", "where to write the backup (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out is required"}
	}
	if *url == "" {
		// Opening a missing file would create an empty shop and back that
		// up: a mistyped path must not look like a good backup.
		if _, err := os.Stat(*data); err != nil {
			return fmt.Errorf("no data file to back up: %w", err)
		}
	}
	tmp := *out + ".part"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	var n int64
	if *url != "" {
		n, err = backupFromServer(ctx, *url, *token, f)
	} else {
		if n, err = store.BackupFile(*data, f); errors.Is(err, store.ErrLocked) {
			err = fmt.Errorf("%w\n(for a running server use --url and --token)", err)
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written: %s (%d bytes)\n", *out, n)
	return nil
}

func backupFromServer(ctx context.Context, url, token string, w io.Writer) (int64, error) {
	if token == "" {
		return 0, usageError{"--token is required with --url"}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(url, "/")+"/api/v1/backup", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return 0, fmt.Errorf("server answered %s: %s", resp.Status, body)
	}
	return io.Copy(w, resp.Body)
}

// restore replaces the data file by a backup; the server must be stopped.
func restore(args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlags("restore", stdout)
	data := fs.String("data", envDefault(getenv, "BAYBOARD_DATA", DefaultData), "data file to replace (BAYBOARD_DATA)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name one backup file"}
	}
	kept, err := store.Restore(fs.Arg(0), *data, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", *data, fs.Arg(0))
	if kept != "" {
		fmt.Fprintf(stdout, "the file it replaced is kept as %s until the next successful start\n", kept)
	}
	return nil
}
