package podc

/*
#include <stdint.h>
#include <stdlib.h>
#include <podc.h>

extern int podcGoProgress(char *line, uintptr_t h);
extern void podcGoWarning(char *line, uintptr_t h);

static int podc_go_stack_progress(const char *line, void *ud)
{
    return podcGoProgress((char *)line, (uintptr_t)ud);
}

static int podc_go_stack_set_progress(podc_stack_spec *s, uintptr_t h, podc_error **err)
{
    return podc_stack_spec_set_progress(s, podc_go_stack_progress, (void *)h, err);
}

static void podc_go_compose_warning(const char *line, void *ud)
{
    podcGoWarning((char *)line, (uintptr_t)ud);
}

static int podc_go_compose_set_warning(podc_compose_options *o, uintptr_t h, podc_error **err)
{
    return podc_compose_options_set_warning_cb(o, podc_go_compose_warning, (void *)h, err);
}
*/
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
)

// Labels a stack puts on everything it creates (with the session labels).
const (
	LabelServiceStack = C.PODC_STACK_LABEL        // "podc.stack"
	LabelStackMember  = C.PODC_STACK_LABEL_MEMBER // "podc.stack.member"
)

// Condition is what a stack member waits for in one of its dependencies.
type Condition int

const (
	Started   Condition = C.PODC_STACK_STARTED   // its process runs
	Healthy   Condition = C.PODC_STACK_HEALTHY   // a service: every check passed
	Completed Condition = C.PODC_STACK_COMPLETED // a job: it exited 0
)

// StackMember is one service or job of a stack. Spec.Name is the container name ("" =
// "<stack>_<member>"); the stack sets its network, alias (the member name), labels, session
// and progress. A job's StartupTimeout is how long it may run.
type StackMember struct {
	Name      string
	Job       bool
	Spec      ServiceSpec
	DependsOn map[string]Condition
}

// StackSpec describes a stack for StartStack: a name (the project), its network ("" =
// "<name>_default", created with DNS), members.
type StackSpec struct {
	Name, Network string
	Session       string // "" = DefaultSession()
	KeepOnFailure bool
	Members       []StackMember
	// Progress receives every member's lines, one call at a time (from library threads).
	Progress func(line string)
}

// ComposeOptions says which compose files StartCompose reads and how (podc/compose.h).
type ComposeOptions struct {
	Files         []string          // at least one; later files are merged over earlier ones
	Project       string            // "" = the file's name:, else its folder's name
	Profiles      []string          // services of these profiles run too
	Images        map[string]string // service -> image, replacing image and build (offline use)
	Variables     map[string]string // for ${VAR}, above the environment and .env
	Strict        bool              // unsupported keys are errors, not warnings
	Warning       func(text string) // one call per unsupported key
	Session       string
	KeepOnFailure bool
	Progress      func(line string)
}

// StackMemberInfo is a member of a stack that is up.
type StackMemberInfo struct {
	Name, Container string
	Job             bool
	Ready           time.Duration // from the start call until healthy / completed
}

// ServiceStack is a stack that is up (StartStack, StartCompose; Stack is the DataStorage
// stack). Down (or StackDown by name) removes it.
type ServiceStack struct {
	Name, Network string
	UpTime        time.Duration
	Members       []StackMemberInfo

	client   *Client
	mu       sync.Mutex
	h        *C.podc_stack
	services map[string]*Service
}

type warningState struct{ fn func(string) }

//export podcGoWarning
func podcGoWarning(line *C.char, h C.uintptr_t) {
	if w, ok := cgo.Handle(h).Value().(*warningState); ok && w.fn != nil {
		w.fn(C.GoString(line))
	}
}

func buildStackSpec(spec *StackSpec, m *cmem) (*C.podc_stack_spec, error) {
	s := C.podc_stack_spec_new(m.str(spec.Name))
	if s == nil {
		return nil, invalidOr(ErrNoMemory, "", "podc_stack_spec_new: out of memory")
	}
	var err error
	set := func(rc C.int, field string) {
		if err == nil && rc < 0 {
			err = m.setterError(rc, field)
		}
	}
	if spec.Network != "" {
		set(C.podc_stack_spec_set_network(s, m.str(spec.Network), m.ep()), "network")
	}
	if spec.Session != "" {
		set(C.podc_stack_spec_set_session(s, m.str(spec.Session), m.ep()), "session")
	}
	if spec.KeepOnFailure {
		set(C.podc_stack_spec_set_keep_on_failure(s, 1, m.ep()), "keep_on_failure")
	}
	for i := range spec.Members {
		mb := &spec.Members[i]
		if err != nil {
			break
		}
		ss := mb.Spec
		ss.stackMember = true
		ss.Progress = nil // the stack's progress replaces the member's
		cs, serr := buildServiceSpec(&ss, m, 0)
		if serr != nil {
			err = serr
			break
		}
		kind := C.podc_stack_member_kind(C.PODC_STACK_SERVICE)
		if mb.Job {
			kind = C.PODC_STACK_JOB
		}
		set(C.podc_stack_spec_add_member(s, m.str(mb.Name), kind, cs, m.ep()), "members") // takes cs
		for _, on := range sortedKeys(mb.DependsOn) {
			set(C.podc_stack_spec_add_dependency(s, m.str(mb.Name), m.str(on),
				C.podc_stack_condition(mb.DependsOn[on]), m.ep()), "depends_on")
		}
	}
	if err != nil {
		C.podc_stack_spec_free(s)
		return nil, err
	}
	return s, nil
}

// StartStack brings a stack up: members without dependencies at once, side by side; a member
// that waits is prepared meanwhile and started once its dependencies are met. It returns when
// every service is healthy and every job completed. The first failure (a check, a job's
// non-zero exit, a healthy member that stops) ends it and removes everything: the *Error has
// Details["member"], Details["waiting"], ExitCode and LogTail. The end of ctx cancels it
// (everything is removed too). Errors: ErrInvalid (names, unknown members, cycles: nothing
// sent), ErrHealth, ErrCancelled, and those of the podman calls.
func (c *Client) StartStack(ctx context.Context, spec StackSpec) (*ServiceStack, error) {
	var m cmem
	defer m.free()
	s, err := buildStackSpec(&spec, &m)
	if err != nil {
		return nil, err
	}
	defer C.podc_stack_spec_free(s)
	return c.upStack(ctx, s, spec.Progress)
}

// StartCompose reads compose files (nothing sent until they are valid) and brings them up
// as StartStack does: `podc compose up`.
func (c *Client) StartCompose(ctx context.Context, opts ComposeOptions) (*ServiceStack, error) {
	var m cmem
	defer m.free()
	o := C.podc_compose_options_new()
	if o == nil {
		return nil, invalidOr(ErrNoMemory, "", "podc_compose_options_new: out of memory")
	}
	defer C.podc_compose_options_free(o)
	var err error
	set := func(rc C.int, field string) {
		if err == nil && rc < 0 {
			err = m.setterError(rc, field)
		}
	}
	if len(opts.Files) == 0 {
		return nil, invalidOr(ErrInvalid, "files", "compose: no file given")
	}
	for _, f := range opts.Files {
		set(C.podc_compose_options_add_file(o, m.str(f), m.ep()), "files")
	}
	if opts.Project != "" {
		set(C.podc_compose_options_set_project(o, m.str(opts.Project), m.ep()), "project")
	}
	for _, p := range opts.Profiles {
		set(C.podc_compose_options_add_profile(o, m.str(p), m.ep()), "profiles")
	}
	for _, k := range sortedKeys(opts.Images) {
		set(C.podc_compose_options_set_image(o, m.str(k), m.str(opts.Images[k]), m.ep()), "images")
	}
	for _, k := range sortedKeys(opts.Variables) {
		set(C.podc_compose_options_set_variable(o, m.str(k), m.str(opts.Variables[k]), m.ep()), "variables")
	}
	if opts.Strict {
		set(C.podc_compose_options_set_strict(o, 1, m.ep()), "strict")
	}
	wh := cgo.NewHandle(&warningState{fn: opts.Warning})
	defer wh.Delete()
	set(C.podc_go_compose_set_warning(o, C.uintptr_t(wh), m.ep()), "warning")
	if err != nil {
		return nil, err
	}
	var s *C.podc_stack_spec
	if err := cerr(func(e **C.podc_error) C.int { return C.podc_compose_load(o, &s, e) }); err != nil {
		return nil, err
	}
	defer C.podc_stack_spec_free(s)
	if opts.Session != "" {
		set(C.podc_stack_spec_set_session(s, m.str(opts.Session), m.ep()), "session")
	}
	if opts.KeepOnFailure {
		set(C.podc_stack_spec_set_keep_on_failure(s, 1, m.ep()), "keep_on_failure")
	}
	if err != nil {
		return nil, err
	}
	return c.upStack(ctx, s, opts.Progress)
}

func (c *Client) upStack(ctx context.Context, s *C.podc_stack_spec, progress func(string)) (*ServiceStack, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	prog, ph := newProgress(ctx, progress)
	defer ph.Delete()
	var m cmem
	defer m.free()
	if rc := C.podc_go_stack_set_progress(s, C.uintptr_t(ph), m.ep()); rc < 0 {
		return nil, m.setterError(rc, "progress")
	}
	var h *C.podc_stack
	err := c.do(ctx, true, func(ch *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_stack_up(ch, s, &h, e) })
	})
	if err != nil {
		prog.repanic()
		return nil, err
	}
	st := &ServiceStack{Name: goStr(C.podc_stack_name(h)), Network: goStr(C.podc_stack_network(h)),
		UpTime: time.Duration(C.podc_stack_up_ms(h)) * time.Millisecond, client: c, h: h,
		services: map[string]*Service{}}
	n := int(C.podc_stack_member_count(h))
	for i := 0; i < n; i++ {
		ci := C.size_t(i)
		info := StackMemberInfo{Name: goStr(C.podc_stack_member_name(h, ci)),
			Container: goStr(C.podc_stack_member_container(h, ci)),
			Job:       C.podc_stack_member_kind_of(h, ci) == C.PODC_STACK_JOB,
			Ready:     time.Duration(C.podc_stack_member_ready_ms(h, ci)) * time.Millisecond}
		st.Members = append(st.Members, info)
		if sh := C.podc_stack_member_service(h, ci); sh != nil {
			st.services[info.Name] = &Service{Name: goStr(C.podc_service_name(sh)), ID: goStr(C.podc_service_id(sh)),
				Network: goStr(C.podc_service_network(sh)), IP: goStr(C.podc_service_ip(sh)),
				Session:     goStr(C.podc_service_session(sh)),
				StartupTime: time.Duration(C.podc_service_startup_ms(sh)) * time.Millisecond,
				host:        goStr(C.podc_service_host(sh)), client: c, h: sh, borrowed: true}
		}
	}
	runtime.SetFinalizer(st, (*ServiceStack).Close)
	if prog.didPanic() {
		_, _ = c.StackDown(context.Background(), st.Name, 0, false)
		st.Close()
		prog.repanic()
	}
	return st, nil
}

// Service is a service member's handle (ports, URLs); nil for a job or an unknown name.
func (s *ServiceStack) Service(member string) *Service {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.services[member]
}

// Down removes the stack's containers side by side, its network and the images it built.
func (s *ServiceStack) Down(ctx context.Context) error {
	_, err := s.client.StackDown(ctx, s.Name, -1, false)
	if err == nil {
		s.Close()
	}
	return err
}

// Close frees the handle only: the stack keeps running; its Services no longer answer.
func (s *ServiceStack) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, svc := range s.services {
		svc.mu.Lock()
		svc.h = nil
		svc.mu.Unlock()
	}
	if s.h != nil {
		C.podc_stack_free(s.h)
		s.h = nil
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

// StackDown takes the stack `name` down by its labels (after a crash too): containers side
// by side (SIGKILL after timeout; negative = 2 s), then networks, then the images it built
// (unless keepImages). Missing pieces are fine. It returns how many objects were removed.
func (c *Client) StackDown(ctx context.Context, name string, timeout time.Duration, keepImages bool) (int, error) {
	var m cmem
	defer m.free()
	cn := m.str(name)
	flags := C.uint(0)
	if keepImages {
		flags = C.PODC_STACK_DOWN_KEEP_IMAGES
	}
	t := C.int64_t(-1)
	if timeout >= 0 {
		t = ms(timeout)
	}
	var n C.size_t
	err := c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_stack_down(h, cn, t, flags, &n, e) })
	})
	return int(n), err
}

// StackMemberStatus is one container of a stack, from its labels.
type StackMemberStatus struct {
	Member, Container, State, Health, Ports string
	ExitCode                                int // -1 while it runs
}

// StackStatus lists the stack's containers (sorted by member).
func (c *Client) StackStatus(ctx context.Context, name string) ([]StackMemberStatus, error) {
	var m cmem
	defer m.free()
	cn := m.str(name)
	var h *C.podc_stack_status
	err := c.do(ctx, true, func(ch *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_stack_status_get(ch, cn, &h, e) })
	})
	if err != nil {
		return nil, err
	}
	defer C.podc_stack_status_free(h)
	out := []StackMemberStatus{}
	for i := 0; i < int(C.podc_stack_status_count(h)); i++ {
		ci := C.size_t(i)
		out = append(out, StackMemberStatus{Member: goStr(C.podc_stack_status_member(h, ci)),
			Container: goStr(C.podc_stack_status_container(h, ci)), State: goStr(C.podc_stack_status_state(h, ci)),
			Health: goStr(C.podc_stack_status_health(h, ci)), Ports: goStr(C.podc_stack_status_ports(h, ci)),
			ExitCode: int(C.podc_stack_status_exit_code(h, ci))})
	}
	return out, nil
}
