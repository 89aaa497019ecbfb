package podc

// Shared helpers of the tests. Every test runs against the REAL podman service (socket
// discovered as libpodc does: $CONTAINER_HOST, ..., /run/podman/podman.sock) with the
// offline test images of tests/images. Every object a test creates carries a unique name
// (with this process's pid) and is removed by t.Cleanup; TestMain then checks that nothing
// of this run's session is left.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

const (
	imgBase     = "localhost/podc-base:latest"
	imgHTTP     = "localhost/podc-httpsvc:test"
	imgRedis    = "localhost/podc-redis:test"
	imgPostgres = "localhost/podc-postgres:test"
	imgDS       = "localhost/podc-datastorage:test"
	busybox     = "/bin/busybox"
)

var (
	testSession = fmt.Sprintf("podc-go-%d", os.Getpid())
	nameCounter int32
)

// uname is a container/network name no other test (or test run) uses.
func uname(tag string) string {
	return fmt.Sprintf("podc-go-%d-%s%d", os.Getpid(), tag, atomic.AddInt32(&nameCounter, 1))
}

func TestMain(m *testing.M) {
	code := m.Run()
	// Every test removes what it made; whatever still carries this run's session label
	// is a leak, and fails the run.
	if c, err := New(nil); err == nil {
		n, err := c.Cleanup(context.Background(), testSession)
		if err != nil {
			fmt.Fprintf(os.Stderr, "cleanup of session %s: %v\n", testSession, err)
			code = 1
		} else if n > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: %d object(s) of session %s were left behind\n", n, testSession)
			code = 1
		}
		c.Close()
	}
	os.Exit(code)
}

// newClient connects (failing the test when it cannot) and closes the client at the end.
func newClient(t *testing.T) *Client {
	t.Helper()
	c, err := New(nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testCtx is a context that ends after d or with the test.
func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// removeAtEnd force-removes the container when the test ends (missing is fine).
func removeAtEnd(t *testing.T, c *Client, name string) {
	t.Cleanup(func() {
		err := c.RemoveContainer(context.Background(), name, true)
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Errorf("cleanup: remove %s: %v", name, err)
		}
	})
}

// asError is errors.As for *Error, failing the test when err is not one.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *podc.Error", err, err)
	}
	return pe
}

// httpGet returns the status and body of GET url.
func httpGet(url string) (int, string, error) {
	cl := http.Client{Timeout: 5 * time.Second}
	resp, err := cl.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// httpGetEventually retries GET url until it answers or the deadline passes (a freshly
// started server may not listen yet).
func httpGetEventually(t *testing.T, url string, within time.Duration) (int, string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		status, body, err := httpGet(url)
		if err == nil {
			return status, body
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// topDir is the repository's top directory (bindings/go/../..).
func topDir(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}
