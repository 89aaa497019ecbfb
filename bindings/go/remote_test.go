package podc

// Remote podman tests: tcp://, ssh:// and named connections, against the REAL second podman
// service (tcp://) and the REAL sshd of the test environment. They need, from
// `eval "$(tests/env/podman-service.sh)" && eval "$(tests/env/sshd.sh)"`: PODC_TCP_URI
// (tcp://127.0.0.1:18123, a podman `system service tcp://...`), PODC_SSH_URI
// (ssh://root@127.0.0.1:2222/run/podman/podman.sock), PODC_SSH_HOME (a HOME whose ~/.ssh holds
// the key and known_hosts) and PODC_SSH_KEY. Every test FAILS (does not skip) when one is
// missing. Environment changes go through t.Setenv (restored when the test ends; these tests
// are not parallel).

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type remoteEnv struct {
	tcpURI, sshURI, sshHome, sshKey string
	tcpHost, sshHost                string
}

// discoveryVars pick the service: unset by tests that rely on discovery.
var discoveryVars = []string{"CONTAINER_CONNECTION", "CONTAINER_HOST", "CONTAINER_SSHKEY", "DOCKER_HOST"}

// remEnv reads the remote variables, failing the test when one is missing.
func remEnv(t *testing.T) remoteEnv {
	t.Helper()
	vars := []string{"PODC_TCP_URI", "PODC_SSH_URI", "PODC_SSH_HOME", "PODC_SSH_KEY"}
	var missing []string
	for _, v := range vars {
		if os.Getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%s not set: run `eval \"$(tests/env/podman-service.sh)\" && eval \"$(tests/env/sshd.sh)\"` "+
			"first (the tcp:// service and the sshd)", strings.Join(missing, ", "))
	}
	env := remoteEnv{tcpURI: os.Getenv("PODC_TCP_URI"), sshURI: os.Getenv("PODC_SSH_URI"),
		sshHome: os.Getenv("PODC_SSH_HOME"), sshKey: os.Getenv("PODC_SSH_KEY")}
	tu, err := url.Parse(env.tcpURI)
	if err != nil || tu.Scheme != "tcp" || tu.Hostname() == "" {
		t.Fatalf("PODC_TCP_URI=%q is not tcp://HOST:PORT (%v)", env.tcpURI, err)
	}
	su, err := url.Parse(env.sshURI)
	if err != nil || su.Scheme != "ssh" || su.Hostname() == "" {
		t.Fatalf("PODC_SSH_URI=%q is not ssh://USER@HOST[:PORT]/path (%v)", env.sshURI, err)
	}
	env.tcpHost, env.sshHost = tu.Hostname(), su.Hostname()
	return env
}

// unsetenv unsets key until the test ends (t.Setenv restores the old value).
func unsetenv(t *testing.T, key string) {
	t.Helper()
	t.Setenv(key, "")
	os.Unsetenv(key)
}

func noDiscoveryEnv(t *testing.T) {
	for _, k := range discoveryVars {
		unsetenv(t, k)
	}
}

// sshEnv: HOME with the key and known_hosts, no agent (only the key files are tried).
func sshEnv(t *testing.T, home string) {
	t.Setenv("HOME", home)
	unsetenv(t, "SSH_AUTH_SOCK")
}

// remoteClient connects with opts and closes the client when the test ends.
func remoteClient(t *testing.T, opts *Options) *Client {
	t.Helper()
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New(%+v): %v", opts, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestRemoteTCPClient(t *testing.T) {
	env := remEnv(t)
	ctx := testCtx(t, time.Minute)
	c := remoteClient(t, &Options{URI: env.tcpURI})
	if c.Scheme() != "tcp" || c.URI() != env.tcpURI || c.Host() != env.tcpHost {
		t.Errorf("scheme %q URI %q host %q, want tcp %q %q", c.Scheme(), c.URI(), c.Host(), env.tcpURI, env.tcpHost)
	}
	if c.SocketPath() != "" || c.SocketSource() != "option" {
		t.Errorf("socket path %q (want none for tcp), source %q", c.SocketPath(), c.SocketSource())
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping over tcp: %v", err)
	}
	if v, err := c.Version(ctx); err != nil || v.Server == "" {
		t.Errorf("Version over tcp = %+v, %v", v, err)
	}
}

func TestRemoteSSHClient(t *testing.T) {
	env := remEnv(t)
	sshEnv(t, env.sshHome)
	ctx := testCtx(t, time.Minute)
	c := remoteClient(t, &Options{URI: env.sshURI})
	if c.Scheme() != "ssh" || c.URI() != env.sshURI || c.Host() != env.sshHost {
		t.Errorf("scheme %q URI %q host %q, want ssh %q %q", c.Scheme(), c.URI(), c.Host(), env.sshURI, env.sshHost)
	}
	if c.SocketPath() != "/run/podman/podman.sock" || c.SocketSource() != "option" {
		t.Errorf("socket path %q, source %q", c.SocketPath(), c.SocketSource())
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping over ssh: %v", err)
	}
	if v, err := c.Version(ctx); err != nil || v.Server == "" {
		t.Errorf("Version over ssh = %+v, %v", v, err)
	}
}

func TestRemoteSSHKeyFromEnv(t *testing.T) {
	env := remEnv(t)
	// a HOME with known_hosts but no key: only $CONTAINER_SSHKEY can authenticate
	home := t.TempDir()
	if err := os.Mkdir(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	kh, err := os.ReadFile(filepath.Join(env.sshHome, ".ssh", "known_hosts"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".ssh", "known_hosts"), kh, 0o600); err != nil {
		t.Fatal(err)
	}
	noDiscoveryEnv(t)
	sshEnv(t, home)
	_, err = New(&Options{URI: env.sshURI})
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("ssh without a usable key: %v, want ErrAuth", err)
	}
	if e := asError(t, err); e.Category != "auth" || e.Code != -14 {
		t.Errorf("error %+v", e)
	}
	t.Setenv("CONTAINER_HOST", env.sshURI)
	t.Setenv("CONTAINER_SSHKEY", env.sshKey)
	c := remoteClient(t, nil)
	if c.SocketSource() != "CONTAINER_HOST" || c.Scheme() != "ssh" {
		t.Errorf("source %q scheme %q", c.SocketSource(), c.Scheme())
	}
	if err := c.Ping(testCtx(t, time.Minute)); err != nil {
		t.Fatalf("Ping with CONTAINER_SSHKEY: %v", err)
	}
}

func TestRemoteNewLike(t *testing.T) {
	env := remEnv(t)
	sshEnv(t, env.sshHome)
	ctx := testCtx(t, 2*time.Minute)
	for _, uri := range []string{env.tcpURI, env.sshURI} {
		t.Run(strings.SplitN(uri, ":", 2)[0], func(t *testing.T) {
			a := remoteClient(t, &Options{URI: uri})
			b, err := NewLike(a)
			if err != nil {
				t.Fatalf("NewLike: %v", err)
			}
			defer b.Close()
			if b.URI() != a.URI() || b.Scheme() != a.Scheme() || b.Host() != a.Host() ||
				b.SocketSource() != a.SocketSource() {
				t.Errorf("copy %q %q %q %q, original %q %q %q %q", b.URI(), b.Scheme(), b.Host(),
					b.SocketSource(), a.URI(), a.Scheme(), a.Host(), a.SocketSource())
			}
			// independent: calls side by side; and a NewLike while the original is busy
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for _, cl := range []*Client{a, b} {
				wg.Add(1)
				go func(cl *Client) {
					defer wg.Done()
					for i := 0; i < 20; i++ {
						if err := cl.Ping(ctx); err != nil {
							errs <- err
							return
						}
					}
				}(cl)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				cc, err := NewLike(a)
				if err != nil {
					errs <- fmt.Errorf("NewLike while busy: %w", err)
					return
				}
				defer cc.Close()
				if err := cc.Ping(ctx); err != nil {
					errs <- err
				}
			}()
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			b.Close()
			if err := a.Ping(ctx); err != nil {
				t.Errorf("original after closing the copy: %v", err)
			}
		})
	}
	closed := remoteClient(t, &Options{URI: env.tcpURI})
	closed.Close()
	if _, err := NewLike(closed); !errors.Is(err, ErrClosed) {
		t.Errorf("NewLike of a closed client: %v, want ErrClosed", err)
	}
	if closed.URI() != "" || closed.Host() != "" || closed.Scheme() != "" {
		t.Errorf("closed client: URI %q host %q scheme %q", closed.URI(), closed.Host(), closed.Scheme())
	}
}

func TestRemoteServiceOverSSH(t *testing.T) {
	env := remEnv(t)
	sshEnv(t, env.sshHome)
	ctx := testCtx(t, 3*time.Minute)
	c := remoteClient(t, &Options{URI: env.sshURI})
	name := uname("rweb")
	removeAtEnd(t, c, name)
	svc, err := c.StartService(ctx, ServiceSpec{
		Name:           name,
		Image:          imgHTTP,
		Ports:          map[int]int{8080: 0},
		Checks:         []Check{HTTPCheck{Port: 8080, Path: "/healthz"}},
		Session:        testSession,
		StartupTimeout: time.Minute,
	})
	if err != nil {
		t.Fatalf("StartService over ssh: %v", err)
	}
	t.Cleanup(func() { _ = svc.Stop(context.Background()) })
	if svc.Host() != c.Host() || svc.Host() != env.sshHost {
		t.Errorf("service host %q, client host %q, ssh host %q", svc.Host(), c.Host(), env.sshHost)
	}
	port := svc.HostPort(8080)
	if port <= 0 {
		t.Fatalf("HostPort(8080) = %d", port)
	}
	u, err := svc.URL(8080, "/healthz")
	if err != nil || u != fmt.Sprintf("http://%s:%d/healthz", svc.Host(), port) {
		t.Fatalf("URL = %q, %v", u, err)
	}
	if status, body, err := httpGet(u); err != nil || status != 200 {
		t.Errorf("GET %s = %d %q, %v", u, status, body, err)
	}
	if err := svc.Stop(ctx); err != nil {
		t.Fatalf("Stop over ssh: %v", err)
	}
	if ok, err := c.ContainerExists(ctx, name); err != nil || ok {
		t.Errorf("ContainerExists after Stop = %v, %v", ok, err)
	}
	if svc.Host() != env.sshHost {
		t.Errorf("Host after Stop = %q", svc.Host())
	}
}

func TestRemoteContainerHostNoFallback(t *testing.T) {
	remEnv(t)
	noDiscoveryEnv(t)
	t.Setenv("CONTAINER_HOST", "tcp://127.0.0.1:1")
	// the local socket answers, but a named service is used or fails
	_, err := New(&Options{ConnectTimeout: 3 * time.Second})
	if !errors.Is(err, ErrTransport) {
		t.Fatalf("CONTAINER_HOST=tcp://127.0.0.1:1: %v, want ErrTransport", err)
	}
	if e := asError(t, err); e.Category != "transport" || !strings.Contains(e.Message, "127.0.0.1:1") {
		t.Errorf("error %+v", e)
	}
}

func TestRemoteUnknownScheme(t *testing.T) {
	remEnv(t)
	_, err := New(&Options{URI: "http://127.0.0.1:18123"})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown scheme: %v, want ErrInvalid", err)
	}
	if e := asError(t, err); e.Details["field"] != "uri" {
		t.Errorf("field %q, want uri (%+v)", e.Details["field"], e)
	}
	noDiscoveryEnv(t)
	t.Setenv("CONTAINER_HOST", "ftp://127.0.0.1/podman.sock")
	_, err = New(nil)
	if e := asError(t, err); e.Code != ErrInvalid || e.Details["field"] != "uri" {
		t.Errorf("CONTAINER_HOST with an unknown scheme: %+v", e)
	}
	_, err = New(&Options{URI: "tcp://127.0.0.1:18123", Connection: "x"})
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("URI and Connection both: %v, want ErrInvalid", err)
	}
}

// namedConf writes the containers.conf of the brief (active_service x on the tcp:// service,
// plus extra) and makes it the only source of named services.
func namedConf(t *testing.T, env remoteEnv, extra string) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "containers.conf")
	text := fmt.Sprintf("[engine]\nactive_service = \"x\"\n[engine.service_destinations.x]\nuri = \"%s\"\n%s", env.tcpURI, extra)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	noDiscoveryEnv(t)
	t.Setenv("CONTAINERS_CONF", conf)
	t.Setenv("HOME", dir) // no podman-connections.json
	unsetenv(t, "XDG_CONFIG_HOME")
}

func TestRemoteDefaultConnection(t *testing.T) {
	env := remEnv(t)
	namedConf(t, env, "")
	c := remoteClient(t, nil)
	if c.SocketSource() != "default connection x" || c.URI() != env.tcpURI || c.Scheme() != "tcp" ||
		c.Host() != env.tcpHost {
		t.Errorf("source %q URI %q scheme %q host %q", c.SocketSource(), c.URI(), c.Scheme(), c.Host())
	}
	if err := c.Ping(testCtx(t, time.Minute)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	d, err := NewLike(c)
	if err != nil {
		t.Fatalf("NewLike: %v", err)
	}
	defer d.Close()
	if d.SocketSource() != "default connection x" {
		t.Errorf("copy's source %q", d.SocketSource())
	}
}

func TestRemoteNamedConnection(t *testing.T) {
	env := remEnv(t)
	namedConf(t, env, "[engine.service_destinations.dead]\nuri = \"tcp://127.0.0.1:1\"\n")
	ctx := testCtx(t, time.Minute)
	c := remoteClient(t, &Options{Connection: "x"})
	if c.SocketSource() != "connection x" || c.URI() != env.tcpURI {
		t.Errorf("source %q URI %q", c.SocketSource(), c.URI())
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	t.Setenv("CONTAINER_CONNECTION", "x")
	c2 := remoteClient(t, nil)
	if c2.SocketSource() != "CONTAINER_CONNECTION x" {
		t.Errorf("source %q", c2.SocketSource())
	}
	// a named service is used or fails: no fallback to the default connection
	if _, err := New(&Options{Connection: "dead", ConnectTimeout: 3 * time.Second}); !errors.Is(err, ErrTransport) {
		t.Errorf("connection dead: %v, want ErrTransport", err)
	}
	if _, err := New(&Options{Connection: "podc-no-such-connection"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown connection: %v, want ErrNotFound", err)
	}
}
