package podc

/*
#include <stdint.h>
#include <stdlib.h>
#include <podc.h>

extern int podcGoProgress(char *line, uintptr_t h);

static int podc_go_service_progress(const char *line, void *ud)
{
    return podcGoProgress((char *)line, (uintptr_t)ud);
}

static int podc_go_service_set_progress(podc_service_spec *s, uintptr_t h, podc_error **err)
{
    return podc_service_spec_set_progress(s, podc_go_service_progress, (void *)h, err);
}
*/
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"strconv"
	"sync"
	"time"
	"unsafe"
)

// Labels put on everything the service and DataStorage modules create.
const (
	LabelSession = C.PODC_SERVICE_LABEL_SESSION // "podc.session"
	LabelManaged = C.PODC_SERVICE_LABEL_MANAGED // "podc.managed"
)

// DefaultSession is this process's default session id (random, made once).
func DefaultSession() string { return C.GoString(C.podc_service_default_session()) }

// Check is a health check of a service: HTTPCheck, TCPCheck, ExecCheck, LogCheck or
// PodmanCheck. The service is healthy once every check has passed once.
type Check interface {
	add(s *C.podc_service_spec, m *cmem) C.int
}

// HTTPCheck passes when GET http://<Service.Host()>:<host port of Port><Path> answers Status
// (0 = 200) and, when Body is set, the body contains it. Port must be published.
type HTTPCheck struct {
	Port    int
	Path    string
	Status  int
	Body    string
	Timeout time.Duration // per try; 0 = 1 s
}

func (c HTTPCheck) add(s *C.podc_service_spec, m *cmem) C.int {
	path := c.Path
	if path == "" {
		path = "/"
	}
	return C.podc_service_spec_add_check_http(s, C.int(c.Port), m.str(path), C.int(c.Status), m.opt(c.Body), ms(c.Timeout), m.ep())
}

// TCPCheck passes when a TCP connect to the host port published for Port succeeds.
type TCPCheck struct {
	Port int
	// Send and Expect (both or neither): after the connect Send is written and the reply must
	// contain Expect within Timeout (0 = 1 s): "PING\r\n" and "+PONG" for Redis.
	Send, Expect string
	Timeout      time.Duration
}

func (c TCPCheck) add(s *C.podc_service_spec, m *cmem) C.int {
	if c.Send != "" || c.Expect != "" {
		return C.podc_service_spec_add_check_tcp_exchange(s, C.int(c.Port), m.str(c.Send), m.str(c.Expect), ms(c.Timeout), m.ep())
	}
	return C.podc_service_spec_add_check_tcp(s, C.int(c.Port), m.ep())
}

// ExecCheck passes when Argv, run in the container, exits 0 (and its stdout contains
// Contains, when set).
type ExecCheck struct {
	Argv     []string
	Contains string
	Timeout  time.Duration // per try; 0 = 5 s
}

func (c ExecCheck) add(s *C.podc_service_spec, m *cmem) C.int {
	argv, n := m.argv(c.Argv, false)
	return C.podc_service_spec_add_check_exec(s, argv, n, m.opt(c.Contains), ms(c.Timeout), m.ep())
}

// LogCheck passes when a line of the container's output matches the POSIX extended regular
// expression Regex at least Times times (0 = once).
type LogCheck struct {
	Regex string
	Times int
}

func (c LogCheck) add(s *C.podc_service_spec, m *cmem) C.int {
	times := c.Times
	if times == 0 {
		times = 1
	}
	return C.podc_service_spec_add_check_log(s, m.str(c.Regex), C.int(times), m.ep())
}

// PodmanCheck is podman's own health check: Shell (run by /bin/sh -c in the container), or
// "" for the image's HEALTHCHECK.
type PodmanCheck struct {
	Shell string
}

func (c PodmanCheck) add(s *C.podc_service_spec, m *cmem) C.int {
	return C.podc_service_spec_add_check_podman(s, m.opt(c.Shell), m.ep())
}

// Build builds a service's image from a context directory when the image is missing (or on
// every start with Always). The result is tagged with the spec's Image.
type Build struct {
	Context       string // directory
	Containerfile string // "" = the context's Containerfile or Dockerfile; relative to Context
	Always        bool
	Args          map[string]string // ARG values
}

// Volume mounts a named volume ("" = a new anonymous one) at Destination.
type Volume struct {
	Name, Destination string
	Options           []string // e.g. "ro", "z", "U"
}

// Bind mounts the ABSOLUTE host path Source at Destination.
type Bind struct {
	Source, Destination string
	Options             []string // e.g. "ro", "z", "Z"
}

// Tmpfs is a tmpfs at Destination.
type Tmpfs struct {
	Destination string
	Options     []string // e.g. "size=64m", "mode=1777"
}

// Ulimit is a resource limit of the container's process.
type Ulimit struct {
	Soft, Hard uint64
}

// ServiceSpec describes a service for StartService. Name and Image are required.
type ServiceSpec struct {
	Name  string
	Image string // with Build: the tag the build produces
	Build *Build
	// Pull says how Image is fetched when the service does not build it (nil = the
	// defaults: policy missing, i.e. an absent image is pulled before anything is created).
	// Its Progress is not used: the pull's lines reach Progress as "pulling REF: ...". A
	// "localhost/" image is never pulled.
	Pull *PullOptions
	// Ports publishes container port -> host port (tcp); 0 = a free port (see HostPort).
	Ports   map[int]int
	Env     map[string]string
	Network string   // joined (created with DNS when missing); "" = podman's default
	Aliases []string // DNS aliases on Network
	Volumes []Volume
	Binds   []Bind
	Tmpfs   []Tmpfs
	// Ulimits by type ("nofile", "nproc", ...): set both nofile and nproc or neither (podman's
	// defaults can exceed the host's hard limits; see podc_container_spec_add_rlimit).
	Ulimits map[string]Ulimit
	Hosts   map[string]string // hostname -> ip lines in /etc/hosts
	Labels  map[string]string // podc.session and podc.managed are reserved
	Command []string          // replaces the image's CMD
	// Entrypoint replaces the image's (non-nil empty: cleared); Workdir, User the process's.
	Entrypoint    []string
	Workdir, User string
	// DependsOn names containers that must be running and healthy first.
	DependsOn []string
	// StartupTimeout covers dependencies and health, not the build (0 = 60 s).
	StartupTimeout time.Duration
	// PollInitial and PollMax set the health poll interval (both 0 = 50 ms -> 250 ms).
	PollInitial, PollMax time.Duration
	MemoryLimit          int64 // bytes; 0 = none
	KeepOnFailure        bool  // keep the container after a failed start, for debugging
	Checks               []Check
	// Session for the podc.session label ("" = DefaultSession()).
	Session string
	// Progress receives one line per step, on the calling goroutine's thread. It must not
	// call the Client that runs the start. A panic in it stops the start (which cleans up)
	// and is raised again from StartService.
	Progress func(line string)

	stackMember bool // built for a stack: Name may be empty
}

func buildServiceSpec(spec *ServiceSpec, m *cmem, progress cgo.Handle) (*C.podc_service_spec, error) {
	for _, chk := range spec.Checks {
		if chk == nil {
			return nil, invalidOr(ErrInvalid, "checks", "checks: nil check")
		}
	}
	s := C.podc_service_spec_new()
	if s == nil {
		return nil, invalidOr(ErrNoMemory, "", "podc_service_spec_new: out of memory")
	}
	var err error
	// set records the first failing setter (the spec is dropped then, so the later calls
	// only cost time)
	set := func(rc C.int, field string) {
		if err == nil && rc < 0 {
			err = m.setterError(rc, field)
		}
	}
	if spec.Name != "" || !spec.stackMember { // a stack names its members' containers
		set(C.podc_service_spec_set_name(s, m.str(spec.Name), m.ep()), "name")
	}
	set(C.podc_service_spec_set_image(s, m.str(spec.Image), m.ep()), "image")
	if progress != 0 { // 0: a stack member (the stack's progress replaces it)
		set(C.podc_go_service_set_progress(s, C.uintptr_t(progress), m.ep()), "progress")
	}
	if spec.Pull != nil {
		po, perr := spec.Pull.build(m, 0, false)
		if perr != nil {
			if err == nil {
				err = perr
			}
		} else {
			set(C.podc_service_spec_set_pull_options(s, po, m.ep()), "pull") // the spec keeps a copy
			C.podc_image_pull_options_free(po)
		}
	}
	if b := spec.Build; b != nil {
		always := C.int(0)
		if b.Always {
			always = 1
		}
		set(C.podc_service_spec_set_build(s, m.str(b.Context), m.opt(b.Containerfile), always, m.ep()), "build")
		for _, k := range sortedKeys(b.Args) {
			set(C.podc_service_spec_add_build_arg(s, m.str(k), m.str(b.Args[k]), m.ep()), "build_args")
		}
	}
	for _, cp := range sortedKeys(spec.Ports) {
		set(C.podc_service_spec_add_port(s, C.int(cp), C.int(spec.Ports[cp]), m.ep()), "ports")
	}
	for _, k := range sortedKeys(spec.Env) {
		set(C.podc_service_spec_add_env(s, m.str(k), m.str(spec.Env[k]), m.ep()), "env")
	}
	if spec.Network != "" {
		set(C.podc_service_spec_set_network(s, m.str(spec.Network), m.ep()), "network")
	}
	for _, a := range spec.Aliases {
		set(C.podc_service_spec_add_network_alias(s, m.str(a), m.ep()), "aliases")
	}
	for _, v := range spec.Volumes {
		opts, n := m.argv(v.Options, false)
		set(C.podc_service_spec_add_volume(s, m.opt(v.Name), m.str(v.Destination), opts, n, m.ep()), "volumes")
	}
	for _, b := range spec.Binds {
		opts, n := m.argv(b.Options, false)
		set(C.podc_service_spec_add_bind_mount(s, m.str(b.Source), m.str(b.Destination), opts, n, m.ep()), "binds")
	}
	for _, t := range spec.Tmpfs {
		opts, n := m.argv(t.Options, false)
		set(C.podc_service_spec_add_tmpfs(s, m.str(t.Destination), opts, n, m.ep()), "tmpfs")
	}
	for _, k := range sortedKeys(spec.Ulimits) { // on the container spec the service spec holds
		u := spec.Ulimits[k]
		set(C.podc_container_spec_add_rlimit(C.podc_service_spec_container(s), m.str(k), C.uint64_t(u.Soft),
			C.uint64_t(u.Hard), m.ep()), "ulimits")
	}
	for _, k := range sortedKeys(spec.Hosts) {
		set(C.podc_service_spec_add_host(s, m.str(k), m.str(spec.Hosts[k]), m.ep()), "hosts")
	}
	for _, k := range sortedKeys(spec.Labels) {
		set(C.podc_service_spec_add_label(s, m.str(k), m.str(spec.Labels[k]), m.ep()), "labels")
	}
	if spec.Command != nil {
		argv, n := m.argv(spec.Command, false)
		set(C.podc_service_spec_set_command(s, argv, n, m.ep()), "command")
	}
	if spec.Entrypoint != nil {
		argv, n := m.argv(spec.Entrypoint, false)
		set(C.podc_service_spec_set_entrypoint(s, argv, n, m.ep()), "entrypoint")
	}
	if spec.Workdir != "" {
		set(C.podc_service_spec_set_workdir(s, m.str(spec.Workdir), m.ep()), "workdir")
	}
	if spec.User != "" {
		set(C.podc_service_spec_set_user(s, m.str(spec.User), m.ep()), "user")
	}
	for _, d := range spec.DependsOn {
		set(C.podc_service_spec_add_depends_on(s, m.str(d), m.ep()), "depends_on")
	}
	if spec.StartupTimeout != 0 {
		set(C.podc_service_spec_set_startup_timeout(s, ms(spec.StartupTimeout), m.ep()), "startup_timeout")
	}
	if spec.PollInitial != 0 || spec.PollMax != 0 {
		set(C.podc_service_spec_set_poll_interval(s, ms(spec.PollInitial), ms(spec.PollMax), m.ep()), "poll_interval")
	}
	if spec.MemoryLimit != 0 {
		set(C.podc_service_spec_set_memory_limit(s, C.int64_t(spec.MemoryLimit), m.ep()), "memory_limit")
	}
	if spec.KeepOnFailure {
		set(C.podc_service_spec_set_keep_on_failure(s, 1, m.ep()), "keep_on_failure")
	}
	if spec.Session != "" {
		set(C.podc_service_spec_set_session(s, m.str(spec.Session), m.ep()), "session")
	}
	for _, chk := range spec.Checks {
		set(chk.add(s, m), "checks")
	}
	if err != nil {
		C.podc_service_spec_free(s)
		return nil, err
	}
	return s, nil
}

// Service is a started service: a container that passed its health checks.
type Service struct {
	Name, ID string
	Network  string // "" = podman's default
	IP       string // on Network, "" when unknown
	Session  string
	// StartupTime is the time from the start call until healthy.
	StartupTime time.Duration

	host     string
	client   *Client
	mu       sync.Mutex
	h        *C.podc_service
	borrowed bool // a stack member's: the Stack frees the handle
}

// release drops the handle (freeing it unless a Stack owns it). Under s.mu.
func (s *Service) release() {
	if s.h != nil && !s.borrowed {
		C.podc_service_free(s.h)
	}
	s.h = nil
	runtime.SetFinalizer(s, nil)
}

// StartService starts a service: dependencies, build, network, create, start, then waits
// until every check passes. A failed start leaves nothing behind (unless KeepOnFailure).
// Errors: ErrInvalid (spec invalid, nothing sent), ErrBuild, ErrHealth (the container exited
// or was not healthy in time: the *Error has Container, ExitCode and LogTail), ErrCancelled
// (the context ended: checked at every progress step), those of the pull (ErrAuth,
// ErrNotFound, ... as for PullImage) and those of the podman calls.
func (c *Client) StartService(ctx context.Context, spec ServiceSpec) (*Service, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	prog, ph := newProgress(ctx, spec.Progress)
	defer ph.Delete()
	var m cmem
	defer m.free()
	s, err := buildServiceSpec(&spec, &m, ph)
	if err != nil {
		return nil, err
	}
	defer C.podc_service_spec_free(s)
	var h *C.podc_service
	// the end of ctx cancels the start wherever it is (a health wait too); the library then
	// removes what it created before it returns
	err = c.do(ctx, true, func(ch *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_service_start(ch, s, &h, e) })
	})
	if err != nil {
		prog.repanic()
		return nil, err
	}
	svc := &Service{
		Name:        goStr(C.podc_service_name(h)),
		ID:          goStr(C.podc_service_id(h)),
		Network:     goStr(C.podc_service_network(h)),
		IP:          goStr(C.podc_service_ip(h)),
		Session:     goStr(C.podc_service_session(h)),
		StartupTime: time.Duration(C.podc_service_startup_ms(h)) * time.Millisecond,
		host:        goStr(C.podc_service_host(h)),
		client:      c,
		h:           h,
	}
	runtime.SetFinalizer(svc, (*Service).Close)
	if prog.didPanic() {
		// the panic came after the service was up: take it down before raising it
		_ = svc.Stop(context.Background())
		prog.repanic()
	}
	return svc, nil
}

// HostPort is the host port published for containerPort (tcp), or -1 (also after Stop or
// Close).
func (s *Service) HostPort(containerPort int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h == nil {
		return -1
	}
	return int(C.podc_service_host_port(s.h, C.int(containerPort)))
}

// Host is where the service's published ports are reached from here: "127.0.0.1" on a local
// podman, the remote host (Client.Host) on tcp:// and ssh://. It stays known after Stop.
func (s *Service) Host() string { return s.host }

// URL is "http://<Host()>:<host port of containerPort><path>" (built by libpodc). ErrNotFound
// when the port is not published (or the service was stopped).
func (s *Service) URL(containerPort int, path string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	notPublished := func() error {
		return &Error{Code: ErrNotFound, Category: ErrNotFound.Name(),
			Message: "port " + strconv.Itoa(containerPort) + " is not published by " + s.Name,
			Details: map[string]string{"port": strconv.Itoa(containerPort)}}
	}
	if s.h == nil {
		return "", notPublished()
	}
	var m cmem
	defer m.free()
	var out *C.char
	rc := C.podc_service_url(s.h, C.int(containerPort), m.opt(path), &out)
	if rc == C.PODC_ENOTFOUND {
		return "", notPublished()
	}
	if err := m.setterError(rc, "url"); err != nil {
		return "", err
	}
	defer C.podc_free(unsafe.Pointer(out))
	return goStr(out), nil
}

// Stop stops the container (SIGKILL after 2 s) and removes it; one already gone is fine.
// Networks stay (they may be shared): Cleanup removes them. Stopping twice is fine.
func (s *Service) Stop(ctx context.Context) error {
	return s.StopTimeout(ctx, -1)
}

// StopTimeout is Stop with SIGKILL after timeout (negative = 2 s).
func (s *Service) StopTimeout(ctx context.Context, timeout time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h == nil {
		return nil
	}
	err := s.client.do(ctx, true, func(ch *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_service_stop(ch, s.h, ms(timeout), e) })
	})
	if err == nil {
		s.release()
	}
	return err
}

// Close frees the handle only: the container keeps running. HostPort and URL then no
// longer answer.
func (s *Service) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.release()
	return nil
}

// Cleanup removes every container, network and image labelled podc.session=<session>
// ("" = DefaultSession()), containers first (forced). It returns how many were removed.
func (c *Client) Cleanup(ctx context.Context, session string) (int, error) {
	var m cmem
	defer m.free()
	cs := m.opt(session)
	var n C.size_t
	err := c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_service_cleanup(h, cs, &n, e) })
	})
	return int(n), err
}

// CleanupLabel is Cleanup for any label filter: "key=value" or "key".
func (c *Client) CleanupLabel(ctx context.Context, label string) (int, error) {
	var m cmem
	defer m.free()
	cl := m.str(label)
	var n C.size_t
	err := c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_service_cleanup_label(h, cl, &n, e) })
	})
	return int(n), err
}
