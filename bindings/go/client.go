// Package podc is the Go binding of libpodc, a C client for Podman's libpod REST API over
// a local unix socket, plain TCP (tcp://) or SSH (ssh://). Everything goes through libpodc:
// no process is ever started.
//
// A Client serialises its calls (libpodc allows one call at a time per client), so it may be
// shared between goroutines; use one client per goroutine for calls that run side by side.
// Every call takes a context: when it ends, the podman call in progress is interrupted and the
// call fails with ErrCancelled (errors.Is(err, context.Canceled) or context.DeadlineExceeded
// is then also true).
package podc

/*
#cgo pkg-config: podc
#include <stdlib.h>
#include <podc.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"runtime"
	"sync"
	"time"
)

// LibraryVersion is libpodc's version, e.g. "0.1.0".
func LibraryVersion() string { return C.GoString(C.podc_library_version()) }

// Options configure New. The zero value discovers the service and uses libpodc's timeouts.
type Options struct {
	// URI of the service: "unix:///run/podman/podman.sock" (or a plain path),
	// "tcp://HOST:PORT" (podman's `system service tcp://...`) or
	// "ssh://USER@HOST[:PORT][/path/podman.sock]" (the host key must be in
	// ~/.ssh/known_hosts; keys from $CONTAINER_SSHKEY or the connection's identity, the
	// ssh-agent, ~/.ssh/id_ed25519 or id_rsa). With URI and Connection both "", the service
	// is discovered in podman's order: $CONTAINER_CONNECTION, $CONTAINER_HOST (with
	// $CONTAINER_SSHKEY), the default connection (podman-connections.json, containers.conf's
	// active_service), $DOCKER_HOST, then $XDG_RUNTIME_DIR/podman/podman.sock and
	// /run/podman/podman.sock. A service named by any of these is used or fails: there is
	// no fallback to another.
	URI string
	// Connection is a named podman connection (podman-connections.json, or containers.conf's
	// [engine.service_destinations.NAME]); not with URI.
	Connection string
	// Timeout of ordinary calls (0 = libpodc's 30 s).
	Timeout time.Duration
	// ConnectTimeout (0 = libpodc's 5 s).
	ConnectTimeout time.Duration
}

// Client is a connection to the podman service.
type Client struct {
	life sync.RWMutex // Close holds it for writing, calls for reading
	mu   sync.Mutex   // one library call at a time
	hmu  sync.Mutex   // guards h for Cancel, which must not wait for a call
	h    *C.podc_client
}

// New connects to the podman service (the socket or port must accept a connection, or the
// SSH session is set up; no request is sent). Errors: ErrInvalid (a URI libpodc cannot
// serve: Field "uri"; URI and Connection both), ErrNotFound (no such named connection),
// ErrTransport (details["tried"] lists what was tried), ErrAuth (ssh: no key was accepted).
func New(opts *Options) (*Client, error) {
	var m cmem
	defer m.free()
	var o C.podc_client_options
	if rc := C.podc_client_options_init(&o, C.PODC_CLIENT_OPTIONS_VERSION); rc < 0 {
		return nil, m.setterError(rc, "options")
	}
	if opts != nil {
		if opts.Timeout < 0 || opts.ConnectTimeout < 0 {
			return nil, invalidOr(ErrInvalid, "timeout", "timeouts must not be negative")
		}
		o.uri = m.opt(opts.URI)
		o.connection = m.opt(opts.Connection)
		o.timeout_ms = ms(opts.Timeout)
		o.connect_timeout_ms = ms(opts.ConnectTimeout)
	}
	var h *C.podc_client
	if err := cerr(func(e **C.podc_error) C.int { return C.podc_client_new(&h, &o, e) }); err != nil {
		return nil, err
	}
	return adopt(h), nil
}

func adopt(h *C.podc_client) *Client {
	c := &Client{h: h}
	runtime.SetFinalizer(c, (*Client).Close)
	return c
}

// NewLike makes a new, independent client on the same service as like (same endpoint,
// identity and timeouts; no discovery again), e.g. for another goroutine's calls to run
// side by side. like may be in use meanwhile. Errors as for New; ErrClosed when like is
// closed.
func NewLike(like *Client) (*Client, error) {
	if like == nil {
		return nil, invalidOr(ErrInvalid, "like", "NewLike: nil client")
	}
	like.life.RLock() // not closed meanwhile; calls in progress on it are fine
	defer like.life.RUnlock()
	if like.h == nil {
		return nil, ErrClosed
	}
	var h *C.podc_client
	if err := cerr(func(e **C.podc_error) C.int { return C.podc_client_new_like(&h, like.h, e) }); err != nil {
		return nil, err
	}
	return adopt(h), nil
}

// Close closes the connection. It waits for a call in progress; calls made afterwards fail
// with ErrClosed. Closing twice is fine.
func (c *Client) Close() error {
	c.life.Lock()
	defer c.life.Unlock()
	c.hmu.Lock()
	defer c.hmu.Unlock()
	if c.h != nil {
		C.podc_client_free(c.h)
		c.h = nil
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

// Cancel interrupts the call in progress, from any goroutine: it fails with ErrCancelled,
// after removing what it had created. Without a call in progress it does nothing; a call's
// context has no such window (see do).
func (c *Client) Cancel() {
	c.hmu.Lock()
	defer c.hmu.Unlock()
	if c.h != nil {
		C.podc_client_cancel(c.h)
	}
}

// do runs fn with the client's handle, one call at a time. With watch, the end of ctx
// cancels the library call: fn runs inside a cancel scope of the client, so one cancel lasts
// until fn returns, also when it comes before fn's first request or between two of them.
func (c *Client) do(ctx context.Context, watch bool, fn func(h *C.podc_client) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return cancelledBy(err)
	}
	c.life.RLock()
	defer c.life.RUnlock()
	if c.h == nil {
		return ErrClosed
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	stop := func() {}
	if watch {
		C.podc_client_scope_begin(c.h)
		defer C.podc_client_scope_end(c.h)
		stop = watchContext(ctx, c.h)
	}
	err := fn(c.h)
	stop()
	if err != nil {
		if ce := ctx.Err(); ce != nil {
			if pe, ok := err.(*Error); ok && pe.Code == ErrCancelled && pe.wrapped == nil {
				pe.wrapped = ce
			}
		}
	}
	return err
}

// watchContext cancels h's call once ctx is done; the returned stop waits until the watcher
// has finished, so no cancel reaches a later call.
func watchContext(ctx context.Context, h *C.podc_client) (stop func()) {
	done := ctx.Done()
	if done == nil {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-quit:
		case <-done:
			C.podc_client_cancel(h) // sticky: the scope is open until stop() has returned
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}

// cancelledBy is the error of a call not made because its context had already ended.
func cancelledBy(ctxErr error) error {
	return &Error{Code: ErrCancelled, Category: ErrCancelled.Name(),
		Message: "cancelled: " + ctxErr.Error(), Details: map[string]string{}, wrapped: ctxErr}
}

// URI is the service's URI in canonical form ("unix:///run/podman/podman.sock",
// "tcp://10.0.0.2:8888", "ssh://core@host:22/run/user/1000/podman/podman.sock"); "" once
// closed.
func (c *Client) URI() string {
	var s string
	_ = c.do(context.Background(), false, func(h *C.podc_client) error { s = goStr(C.podc_client_uri(h)); return nil })
	return s
}

// Scheme is "unix", "tcp" or "ssh" ("" once closed).
func (c *Client) Scheme() string {
	var s string
	_ = c.do(context.Background(), false, func(h *C.podc_client) error { s = goStr(C.podc_client_scheme(h)); return nil })
	return s
}

// Host is where ports the service's containers publish are reached from here: "127.0.0.1"
// for a local socket, the remote host for tcp:// and ssh:// ("" once closed).
func (c *Client) Host() string {
	var s string
	_ = c.do(context.Background(), false, func(h *C.podc_client) error { s = goStr(C.podc_client_host(h)); return nil })
	return s
}

// SocketPath is the unix socket in use: the local one, or the remote one for ssh ("" for
// tcp). SocketSource tells how the service was chosen ("option", "connection NAME",
// "CONTAINER_CONNECTION NAME", "CONTAINER_HOST", "default connection NAME", "DOCKER_HOST",
// "XDG_RUNTIME_DIR" or "default").
func (c *Client) SocketPath() string {
	var s string
	_ = c.do(context.Background(), false, func(h *C.podc_client) error { s = goStr(C.podc_client_socket_path(h)); return nil })
	return s
}

// SocketSource: see SocketPath.
func (c *Client) SocketSource() string {
	var s string
	_ = c.do(context.Background(), false, func(h *C.podc_client) error { s = goStr(C.podc_client_socket_source(h)); return nil })
	return s
}

// ServerAPIVersion is the libpod API version seen on the last reply, "" before any reply.
func (c *Client) ServerAPIVersion() string {
	var s string
	_ = c.do(context.Background(), false, func(h *C.podc_client) error {
		s = goStr(C.podc_client_server_api_version(h))
		return nil
	})
	return s
}

// SetTimeout changes the timeout of ordinary calls (0 or less restores libpodc's default).
func (c *Client) SetTimeout(d time.Duration) {
	if d < 0 {
		d = 0
	}
	_ = c.do(context.Background(), false, func(h *C.podc_client) error { C.podc_client_set_timeout(h, ms(d), nil); return nil })
}

// Ping checks that the service answers.
func (c *Client) Ping(ctx context.Context) error {
	return c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_ping(h, e) })
	})
}

// Version describes the server (and this library).
type Version struct {
	Server  string // "4.3.1"
	API     string // libpod API version
	MinAPI  string
	OSArch  string // "linux/amd64"
	Library string // libpodc's version
}

// Version asks the service for its versions. ErrUnsupported when its libpod API is below 4.0.
func (c *Client) Version(ctx context.Context) (*Version, error) {
	var v *Version
	err := c.do(ctx, true, func(h *C.podc_client) error {
		var pv *C.podc_version
		if err := cerr(func(e **C.podc_error) C.int { return C.podc_version_get(h, &pv, e) }); err != nil {
			return err
		}
		defer C.podc_version_free(pv)
		v = &Version{
			Server:  goStr(C.podc_version_server(pv)),
			API:     goStr(C.podc_version_api(pv)),
			MinAPI:  goStr(C.podc_version_min_api(pv)),
			OSArch:  goStr(C.podc_version_os_arch(pv)),
			Library: LibraryVersion(),
		}
		return nil
	})
	return v, err
}

// Info is the service's /libpod/info: the usual fields, and the whole reply in Raw.
type Info struct {
	Version        string
	APIVersion     string
	OCIRuntime     string
	NetworkBackend string
	CgroupVersion  string
	LogDriver      string
	GraphRoot      string
	Rootless       bool
	Raw            map[string]interface{} // the whole reply (host, store, version, ...)
}

// Info asks the service about its host, runtime and storage.
func (c *Client) Info(ctx context.Context) (*Info, error) {
	var info *Info
	err := c.do(ctx, true, func(h *C.podc_client) error {
		var pi *C.podc_info
		if err := cerr(func(e **C.podc_error) C.int { return C.podc_info_get(h, &pi, e) }); err != nil {
			return err
		}
		defer C.podc_info_free(pi)
		info = &Info{
			Version:        goStr(C.podc_info_version(pi)),
			APIVersion:     goStr(C.podc_info_api_version(pi)),
			OCIRuntime:     goStr(C.podc_info_oci_runtime(pi)),
			NetworkBackend: goStr(C.podc_info_network_backend(pi)),
			CgroupVersion:  goStr(C.podc_info_cgroup_version(pi)),
			LogDriver:      goStr(C.podc_info_log_driver(pi)),
			GraphRoot:      goStr(C.podc_info_graph_root(pi)),
			Rootless:       C.podc_info_rootless(pi) == 1,
		}
		if raw := goStr(C.podc_info_json(pi)); raw != "" {
			if err := json.Unmarshal([]byte(raw), &info.Raw); err != nil {
				return &Error{Code: ErrProtocol, Category: ErrProtocol.Name(),
					Message: "info: reply is not JSON: " + err.Error(), Details: map[string]string{}}
			}
		}
		return nil
	})
	return info, err
}
