package podc

/*
#include <stdlib.h>
#include <podc.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"time"
	"unsafe"
)

// ContainerSpec describes a container for CreateContainer. Image is required; the rest is
// optional. Names follow podman's rule [a-zA-Z0-9][a-zA-Z0-9_.-]* and the whole spec is
// checked before anything is sent (ErrInvalid with details["field"]).
type ContainerSpec struct {
	Name    string
	Image   string            // e.g. "localhost/podc-base:latest"
	Command []string          // replaces the image's CMD
	Env     map[string]string // keys non-empty, without '='
	Labels  map[string]string
	// Ports publishes container port -> host port (tcp, all addresses); host port 0 lets
	// podman pick a free one (read it back with ContainerInfo.HostPort).
	Ports          map[int]int
	Network        string   // a named network to join ("" = podman's default)
	NetworkAliases []string // DNS aliases on Network
	Workdir        string
	User           string // "uid", "uid:gid", "name" or "name:group"
	MemoryLimit    int64  // bytes; 0 = none
}

// buildContainerSpec makes a podc_container_spec (caller frees it) from spec.
func buildContainerSpec(spec *ContainerSpec, m *cmem) (*C.podc_container_spec, error) {
	s := C.podc_container_spec_new()
	if s == nil {
		return nil, invalidOr(ErrNoMemory, "", "podc_container_spec_new: out of memory")
	}
	err := func() error {
		if err := m.setterError(C.podc_container_spec_set_image(s, m.str(spec.Image), m.ep()), "image"); err != nil {
			return err
		}
		if spec.Name != "" {
			if err := m.setterError(C.podc_container_spec_set_name(s, m.str(spec.Name), m.ep()), "name"); err != nil {
				return err
			}
		}
		if spec.Command != nil {
			argv, n := m.argv(spec.Command, false)
			if err := m.setterError(C.podc_container_spec_set_command(s, argv, n, m.ep()), "command"); err != nil {
				return err
			}
		}
		for _, k := range sortedKeys(spec.Env) {
			if err := m.setterError(C.podc_container_spec_add_env(s, m.str(k), m.str(spec.Env[k]), m.ep()), "env"); err != nil {
				return err
			}
		}
		for _, k := range sortedKeys(spec.Labels) {
			if err := m.setterError(C.podc_container_spec_add_label(s, m.str(k), m.str(spec.Labels[k]), m.ep()), "labels"); err != nil {
				return err
			}
		}
		for _, cp := range sortedKeys(spec.Ports) {
			rc := C.podc_container_spec_add_port(s, C.int(cp), C.int(spec.Ports[cp]), nil, nil, m.ep())
			if err := m.setterError(rc, "ports"); err != nil {
				return err
			}
		}
		if spec.Network != "" {
			al, n := m.argv(spec.NetworkAliases, false)
			if err := m.setterError(C.podc_container_spec_add_network(s, m.str(spec.Network), al, n, m.ep()), "network"); err != nil {
				return err
			}
		} else if len(spec.NetworkAliases) > 0 {
			return invalidOr(ErrInvalid, "network", "network aliases need a network")
		}
		if spec.Workdir != "" {
			if err := m.setterError(C.podc_container_spec_set_workdir(s, m.str(spec.Workdir), m.ep()), "workdir"); err != nil {
				return err
			}
		}
		if spec.User != "" {
			if err := m.setterError(C.podc_container_spec_set_user(s, m.str(spec.User), m.ep()), "user"); err != nil {
				return err
			}
		}
		if spec.MemoryLimit != 0 {
			rc := C.podc_container_spec_set_memory_limit(s, C.int64_t(spec.MemoryLimit), m.ep())
			if err := m.setterError(rc, "memory_limit"); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		C.podc_container_spec_free(s)
		return nil, err
	}
	return s, nil
}

// CreateContainer creates (does not start) a container and returns its ID. Errors:
// ErrInvalid (nothing sent), ErrConflict (name in use), ErrNotFound (image or network missing).
func (c *Client) CreateContainer(ctx context.Context, spec ContainerSpec) (string, error) {
	var m cmem
	defer m.free()
	s, err := buildContainerSpec(&spec, &m)
	if err != nil {
		return "", err
	}
	defer C.podc_container_spec_free(s)
	var id string
	err = c.do(ctx, true, func(h *C.podc_client) error {
		var out *C.char
		if err := cerr(func(e **C.podc_error) C.int { return C.podc_container_create(h, s, &out, e) }); err != nil {
			return err
		}
		id = goStr(out)
		C.podc_free(unsafe.Pointer(out))
		return nil
	})
	return id, err
}

// nameCall runs one of libpodc's calls that take a container (or network) name.
func (c *Client) nameCall(ctx context.Context, name string, fn func(h *C.podc_client, n *C.char, e **C.podc_error) C.int) error {
	var m cmem
	defer m.free()
	cn := m.str(name)
	return c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return fn(h, cn, e) })
	})
}

// StartContainer starts a container (already running is fine). ErrConflict: host port busy.
func (c *Client) StartContainer(ctx context.Context, name string) error {
	return c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		return C.podc_container_start(h, n, e)
	})
}

// StopContainer sends the container's stop signal, then SIGKILL after timeout (rounded up
// to whole seconds; 0 = kill at once; negative = the container's own stop timeout).
// Already stopped is fine.
func (c *Client) StopContainer(ctx context.Context, name string, timeout time.Duration) error {
	return c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		return C.podc_container_stop(h, n, ms(timeout), e)
	})
}

// KillContainer sends a signal ("" = SIGKILL; "SIGUSR1", "USR1" or "10").
func (c *Client) KillContainer(ctx context.Context, name, signal string) error {
	var m cmem
	defer m.free()
	sig := m.opt(signal)
	return c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		return C.podc_container_kill(h, n, sig, e)
	})
}

// WaitContainer waits until the started container has stopped and returns its exit code.
// timeout <= 0 waits without limit (ErrTimeout otherwise); the context can end the wait.
func (c *Client) WaitContainer(ctx context.Context, name string, timeout time.Duration) (int, error) {
	if timeout < 0 {
		timeout = 0
	}
	var code C.int
	err := c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		return C.podc_container_wait(h, n, nil, 0, ms(timeout), &code, e)
	})
	return int(code), err
}

// RemoveContainer removes a container and its anonymous volumes. Without force a running
// container fails with ErrConflict; a missing one fails with ErrNotFound.
func (c *Client) RemoveContainer(ctx context.Context, name string, force bool) error {
	var flags C.uint
	if force {
		flags |= C.PODC_CONTAINER_REMOVE_FORCE
	}
	return c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		return C.podc_container_remove(h, n, flags, e)
	})
}

// ContainerExists reports whether the container exists (a missing one is not an error).
func (c *Client) ContainerExists(ctx context.Context, name string) (bool, error) {
	var out C.int
	err := c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		return C.podc_container_exists(h, n, &out, e)
	})
	return out != 0, err
}

// Port is a published port.
type Port struct {
	ContainerPort int
	HostPort      int    // 0 when not published
	Protocol      string // "tcp", "udp" or "sctp"
	HostIP        string // "" for all addresses
}

func goPort(p *C.podc_port) Port {
	return Port{
		ContainerPort: int(C.podc_port_container_port(p)),
		HostPort:      int(C.podc_port_host_port(p)),
		Protocol:      goStr(C.podc_port_protocol(p)),
		HostIP:        goStr(C.podc_port_host_ip(p)),
	}
}

// NetworkAttachment is a network a container is attached to.
type NetworkAttachment struct {
	Name    string
	IP      string // "" when stopped
	Gateway string
	Aliases []string
}

// ContainerInfo is a container's inspect result.
type ContainerInfo struct {
	ID, Name      string
	Image         string // as the container was created from
	ImageID       string
	Status        string // "created", "running", "paused", "exited", "stopped", ...
	Running       bool
	OOMKilled     bool
	Pid           int64
	ExitCode      int
	StartedAt     string // RFC 3339; "0001-01-01T00:00:00Z" when it never happened
	FinishedAt    string
	Health        string // "starting", "healthy", "unhealthy", or "" without a health check
	RestartCount  int
	Hostname      string
	Ports         []Port
	Networks      []NetworkAttachment
	Env           []string          // "KEY=value"
	Labels        map[string]string // image labels included
	JSON          string            // podman's whole inspect reply
	failingStreak int
}

// HostPort is the host port bound to containerPort/protocol ("" = "tcp"), or -1 when it is
// not published.
func (i *ContainerInfo) HostPort(containerPort int, protocol string) int {
	if protocol == "" {
		protocol = "tcp"
	}
	for _, p := range i.Ports {
		if p.ContainerPort == containerPort && p.Protocol == protocol && p.HostPort > 0 {
			return p.HostPort
		}
	}
	return -1
}

// HealthFailingStreak is the number of consecutive failed health checks.
func (i *ContainerInfo) HealthFailingStreak() int { return i.failingStreak }

// InspectContainer inspects a container. ErrNotFound when it does not exist.
func (c *Client) InspectContainer(ctx context.Context, name string) (*ContainerInfo, error) {
	var info *ContainerInfo
	err := c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		var pi *C.podc_container_info
		rc := C.podc_container_inspect(h, n, &pi, e)
		if rc < 0 {
			return rc
		}
		defer C.podc_container_info_free(pi)
		info = &ContainerInfo{
			ID:            goStr(C.podc_container_info_id(pi)),
			Name:          goStr(C.podc_container_info_name(pi)),
			Image:         goStr(C.podc_container_info_image(pi)),
			ImageID:       goStr(C.podc_container_info_image_id(pi)),
			Status:        goStr(C.podc_container_info_status(pi)),
			Running:       C.podc_container_info_running(pi) == 1,
			OOMKilled:     C.podc_container_info_oom_killed(pi) == 1,
			Pid:           int64(C.podc_container_info_pid(pi)),
			ExitCode:      int(C.podc_container_info_exit_code(pi)),
			StartedAt:     goStr(C.podc_container_info_started_at(pi)),
			FinishedAt:    goStr(C.podc_container_info_finished_at(pi)),
			Health:        goStr(C.podc_container_info_health_status(pi)),
			RestartCount:  int(C.podc_container_info_restart_count(pi)),
			Hostname:      goStr(C.podc_container_info_hostname(pi)),
			JSON:          goStr(C.podc_container_info_json(pi)),
			Labels:        map[string]string{},
			failingStreak: int(C.podc_container_info_health_failing_streak(pi)),
		}
		for j := C.size_t(0); j < C.podc_container_info_port_count(pi); j++ {
			if p := C.podc_container_info_port_at(pi, j); p != nil {
				info.Ports = append(info.Ports, goPort(p))
			}
		}
		for j := C.size_t(0); j < C.podc_container_info_network_count(pi); j++ {
			na := NetworkAttachment{
				Name:    goStr(C.podc_container_info_network_name_at(pi, j)),
				IP:      goStr(C.podc_container_info_network_ip_at(pi, j)),
				Gateway: goStr(C.podc_container_info_network_gateway_at(pi, j)),
			}
			for k := C.size_t(0); k < C.podc_container_info_network_alias_count(pi, j); k++ {
				na.Aliases = append(na.Aliases, goStr(C.podc_container_info_network_alias_at(pi, j, k)))
			}
			info.Networks = append(info.Networks, na)
		}
		for j := C.size_t(0); j < C.podc_container_info_env_count(pi); j++ {
			info.Env = append(info.Env, goStr(C.podc_container_info_env_at(pi, j)))
		}
		return 0
	})
	if err != nil {
		return nil, err
	}
	var parsed struct {
		Config struct {
			Labels map[string]string `json:"Labels"`
		} `json:"Config"`
	}
	if json.Unmarshal([]byte(info.JSON), &parsed) == nil {
		for k, v := range parsed.Config.Labels {
			info.Labels[k] = v
		}
	}
	return info, nil
}

// ListOptions select containers for ListContainers. Different fields are ANDed.
type ListOptions struct {
	// Labels: every key must be present with the value ("" = the key with any value).
	Labels map[string]string
	// Name: podman's substring / regular expression match ("^web$" for one container).
	Name        string
	Status      string // "created", "running", "exited", ...
	RunningOnly bool   // false lists stopped containers too
}

// ContainerSummary is one entry of ListContainers.
type ContainerSummary struct {
	ID       string
	Name     string // first name
	Names    []string
	Image    string
	State    string // "created", "running", "exited", ...
	Health   string
	ExitCode int
	Ports    []Port
	Labels   map[string]string // the values of the labels asked for in ListOptions.Labels
}

// ListContainers lists containers (by default all of them, stopped ones included).
func (c *Client) ListContainers(ctx context.Context, opts *ListOptions) ([]ContainerSummary, error) {
	if opts == nil {
		opts = &ListOptions{}
	}
	var m cmem
	defer m.free()
	f, ferr := m.filters(opts.Labels, "name", opts.Name, "status", opts.Status)
	if ferr != nil {
		return nil, ferr
	}
	defer C.podc_filters_free(f)
	keys := sortedKeys(opts.Labels) // the summaries report the labels asked about
	ckeys := make([]*C.char, len(keys))
	for i, k := range keys {
		ckeys[i] = m.str(k)
	}
	all := C.uint(C.PODC_CONTAINER_LIST_ALL)
	if opts.RunningOnly {
		all = 0
	}
	var out []ContainerSummary
	err := c.do(ctx, true, func(h *C.podc_client) error {
		var l *C.podc_container_list
		if err := cerr(func(e **C.podc_error) C.int { return C.podc_container_list_get(h, f, all, &l, e) }); err != nil {
			return err
		}
		defer C.podc_container_list_free(l)
		out = []ContainerSummary{}
		for i := C.size_t(0); i < C.podc_container_list_count(l); i++ {
			s := C.podc_container_list_at(l, i)
			if s == nil {
				continue
			}
			cs := ContainerSummary{
				ID:       goStr(C.podc_container_summary_id(s)),
				Name:     goStr(C.podc_container_summary_name(s)),
				Image:    goStr(C.podc_container_summary_image(s)),
				State:    goStr(C.podc_container_summary_state(s)),
				Health:   goStr(C.podc_container_summary_health(s)),
				ExitCode: int(C.podc_container_summary_exit_code(s)),
				Labels:   map[string]string{},
			}
			for j := C.size_t(0); j < C.podc_container_summary_name_count(s); j++ {
				cs.Names = append(cs.Names, goStr(C.podc_container_summary_name_at(s, j)))
			}
			for j := C.size_t(0); j < C.podc_container_summary_port_count(s); j++ {
				if p := C.podc_container_summary_port_at(s, j); p != nil {
					cs.Ports = append(cs.Ports, goPort(p))
				}
			}
			for i, k := range keys {
				if v := C.podc_container_summary_label(s, ckeys[i]); v != nil {
					cs.Labels[k] = C.GoString(v)
				}
			}
			out = append(out, cs)
		}
		return nil
	})
	return out, err
}

// ExecOptions tune Exec. The zero value runs with the container's environment, working
// directory and user, without a time limit and without a TTY.
type ExecOptions struct {
	Env     map[string]string // added to the container's environment
	Workdir string
	User    string
	// Timeout of the whole run (0 = none). When it expires Exec fails with ErrTimeout, but
	// the process may keep running in the container.
	Timeout time.Duration
	TTY     bool // with a TTY everything arrives as stdout, with "\r\n" line ends
}

// ExecResult is the outcome of a command run with Exec.
type ExecResult struct {
	ExitCode int // 126/127 when the command could not be started, as in a shell
	Stdout   string
	Stderr   string
}

// Exec runs argv in the running container and collects its output. A non-zero exit code is
// not an error. Errors: ErrInvalid (empty argv, bad options), ErrNotFound, ErrConflict (not
// running), ErrServer (could not start the command), ErrTimeout.
func (c *Client) Exec(ctx context.Context, name string, argv []string, opts *ExecOptions) (*ExecResult, error) {
	if len(argv) == 0 {
		return nil, invalidOr(ErrInvalid, "argv", "exec: argv is empty")
	}
	var m cmem
	defer m.free()
	o, err := execOptions(opts, &m)
	if err != nil {
		return nil, err
	}
	defer C.podc_exec_options_free(o)
	cargv, _ := m.argv(argv, true)
	var res *ExecResult
	err = c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		var r *C.podc_exec_result
		rc := C.podc_exec_run(h, n, cargv, o, &r, e)
		if rc < 0 {
			return rc
		}
		defer C.podc_exec_result_free(r)
		res = &ExecResult{
			ExitCode: int(C.podc_exec_result_exit_code(r)),
			Stdout:   C.GoStringN(C.podc_exec_result_stdout(r), C.int(C.podc_exec_result_stdout_len(r))),
			Stderr:   C.GoStringN(C.podc_exec_result_stderr(r), C.int(C.podc_exec_result_stderr_len(r))),
		}
		return 0
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// execOptions is the C form of opts (nil = the defaults); the caller frees it.
func execOptions(opts *ExecOptions, m *cmem) (*C.podc_exec_options, error) {
	if opts == nil {
		opts = &ExecOptions{}
	}
	o := C.podc_exec_options_new()
	if o == nil {
		return nil, invalidOr(ErrNoMemory, "", "podc_exec_options_new: out of memory")
	}
	var err error
	for _, k := range sortedKeys(opts.Env) {
		if err == nil {
			err = cerr(func(e **C.podc_error) C.int { return C.podc_exec_options_add_env(o, m.str(k), m.str(opts.Env[k]), e) })
		}
	}
	if err == nil && opts.Workdir != "" {
		err = cerr(func(e **C.podc_error) C.int { return C.podc_exec_options_set_workdir(o, m.str(opts.Workdir), e) })
	}
	if err == nil && opts.User != "" {
		err = cerr(func(e **C.podc_error) C.int { return C.podc_exec_options_set_user(o, m.str(opts.User), e) })
	}
	if err != nil {
		C.podc_exec_options_free(o)
		return nil, err
	}
	if opts.Timeout > 0 {
		C.podc_exec_options_set_timeout(o, ms(opts.Timeout), m.ep())
	}
	if opts.TTY {
		C.podc_exec_options_set_tty(o, 1, m.ep())
	}
	return o, nil
}

// LogsOptions select a container's output for Logs.
type LogsOptions struct {
	Tail       int    // the last Tail records only; 0 = all
	Since      string // podman's form: "10m", RFC 3339, unix seconds ("1700000000.5")
	Timestamps bool   // prefix each record with its RFC 3339 time
	// Follow reads until the container stops (end it earlier with the context).
	Follow bool
	// Timeout of the read (0 = the client's timeout, or none when following).
	Timeout time.Duration
}

// LogOutput is a container's output: each stream, and both interleaved as produced.
type LogOutput struct {
	Stdout, Stderr, Combined string
}

// Logs reads a container's output. ErrNotFound when it does not exist.
func (c *Client) Logs(ctx context.Context, name string, opts *LogsOptions) (*LogOutput, error) {
	var m cmem
	defer m.free()
	o, err := logsOptions(opts, &m)
	if err != nil {
		return nil, err
	}
	var out *LogOutput
	err = c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		var l *C.podc_logs
		rc := C.podc_logs_get(h, n, &o, &l, e)
		if rc < 0 {
			return rc
		}
		defer C.podc_logs_free(l)
		out = &LogOutput{
			Stdout:   C.GoStringN(C.podc_logs_stdout(l), C.int(C.podc_logs_stdout_len(l))),
			Stderr:   C.GoStringN(C.podc_logs_stderr(l), C.int(C.podc_logs_stderr_len(l))),
			Combined: C.GoStringN(C.podc_logs_combined(l), C.int(C.podc_logs_combined_len(l))),
		}
		return 0
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// logsOptions is the C form of opts (nil = the defaults).
func logsOptions(opts *LogsOptions, m *cmem) (C.podc_logs_options, error) {
	var o C.podc_logs_options
	if opts == nil {
		opts = &LogsOptions{}
	}
	if opts.Tail < 0 {
		return o, invalidOr(ErrInvalid, "tail", "logs: tail must not be negative")
	}
	if rc := C.podc_logs_options_init(&o, C.PODC_LOGS_OPTIONS_VERSION); rc < 0 {
		return o, m.setterError(rc, "options")
	}
	if opts.Tail > 0 {
		o.tail = C.int64_t(opts.Tail)
	}
	o.since_text = m.opt(opts.Since)
	if opts.Timestamps {
		o.timestamps = 1
	}
	if opts.Follow {
		o.follow = 1
	}
	o.timeout_ms = ms(opts.Timeout)
	return o, nil
}

// LogsTail returns the last n lines (n >= 1) of stdout and stderr together ("" when the
// container logged nothing).
func (c *Client) LogsTail(ctx context.Context, name string, n int) (string, error) {
	var text string
	err := c.nameCall(ctx, name, func(h *C.podc_client, cn *C.char, e **C.podc_error) C.int {
		var out *C.char
		rc := C.podc_logs_tail(h, cn, C.int64_t(n), &out, e)
		if rc < 0 {
			return rc
		}
		text = goStr(out)
		C.podc_free(unsafe.Pointer(out))
		return 0
	})
	return text, err
}
