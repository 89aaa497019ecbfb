package podc

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPingVersionInfo(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, time.Minute)
	if got := c.ServerAPIVersion(); got != "" {
		t.Errorf("ServerAPIVersion before any reply = %q, want empty", got)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	v, err := c.Version(ctx)
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	if !strings.HasPrefix(v.Server, "4.") || v.API == "" || v.OSArch == "" {
		t.Errorf("Version = %+v", v)
	}
	if v.Library != LibraryVersion() || v.Library == "" {
		t.Errorf("Version.Library = %q, LibraryVersion() = %q", v.Library, LibraryVersion())
	}
	if got := c.ServerAPIVersion(); got != v.API {
		t.Errorf("ServerAPIVersion = %q, want %q", got, v.API)
	}
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	if info.Version != v.Server || info.OCIRuntime == "" || info.GraphRoot == "" {
		t.Errorf("Info = %+v (server %s)", info, v.Server)
	}
	if _, ok := info.Raw["host"]; !ok {
		t.Errorf("Info.Raw has no host: %v", info.Raw)
	}
	if !strings.HasSuffix(c.SocketPath(), ".sock") || c.SocketSource() == "" {
		t.Errorf("socket %q from %q", c.SocketPath(), c.SocketSource())
	}
	if s := c.Scheme(); (s != "unix" && s != "tcp" && s != "ssh") || !strings.HasPrefix(c.URI(), s+"://") || c.Host() == "" {
		t.Errorf("URI %q, scheme %q, host %q", c.URI(), s, c.Host())
	}
}

func TestTransportError(t *testing.T) {
	_, err := New(&Options{URI: "unix:///nonexistent/podc-go.sock", ConnectTimeout: 2 * time.Second})
	if !errors.Is(err, ErrTransport) {
		t.Fatalf("New on a missing socket: %v, want ErrTransport", err)
	}
	e := asError(t, err)
	if e.Code != -1 || e.Category != "transport" || e.HTTPStatus != 0 {
		t.Errorf("error = %+v", e)
	}
	if errors.Is(err, ErrNotFound) {
		t.Errorf("a transport error matches ErrNotFound")
	}
}

func TestClosedClient(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := c.Ping(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Ping on a closed client: %v, want ErrClosed", err)
	}
	c.Cancel() // harmless
}

func TestErrorCodes(t *testing.T) {
	codes := []Code{ErrTransport, ErrTimeout, ErrNotFound, ErrConflict, ErrInvalid, ErrServer,
		ErrProtocol, ErrHealth, ErrCancelled, ErrNoMemory, ErrBuild, ErrUnsupported, ErrMigration}
	seen := map[string]bool{}
	for i, code := range codes {
		if int(code) != -(i + 1) {
			t.Errorf("%s = %d, want %d", code.Name(), int(code), -(i + 1))
		}
		if code.Name() == "" || code.Error() == "" || code.Error() == "unknown error" || seen[code.Name()] {
			t.Errorf("code %d: name %q text %q", int(code), code.Name(), code.Error())
		}
		seen[code.Name()] = true
	}
	if ErrNotFound.Name() != "not_found" || ErrHealth.Name() != "health_check" {
		t.Errorf("names: %q %q", ErrNotFound.Name(), ErrHealth.Name())
	}
}
