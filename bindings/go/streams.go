package podc

/*
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <podc.h>

extern int podcGoOutput(int stream, char *data, size_t len, uintptr_t h);
extern int podcGoWrite(char *data, size_t len, uintptr_t h);
extern int64_t podcGoRead(char *buf, size_t len, uintptr_t h);
extern int podcGoEvent(podc_event *e, uintptr_t h);
extern int podcGoData(char *data, size_t len, uintptr_t h);

static int podc_go_output(int stream, const char *data, size_t len, void *ud)
{
    return podcGoOutput(stream, (char *)data, len, (uintptr_t)ud);
}
static int podc_go_write(const char *data, size_t len, void *ud)
{
    return podcGoWrite((char *)data, len, (uintptr_t)ud);
}
static int64_t podc_go_read(char *buf, size_t len, void *ud)
{
    return podcGoRead(buf, len, (uintptr_t)ud);
}
static int podc_go_event(const podc_event *e, void *ud)
{
    return podcGoEvent((podc_event *)e, (uintptr_t)ud);
}
static int podc_go_build_progress(const char *data, size_t len, void *ud)
{
    return podcGoData((char *)data, len, (uintptr_t)ud);
}

static int podc_go_logs_stream(podc_client *c, const char *name, const podc_logs_options *o, uintptr_t h,
                               podc_error **err)
{
    return podc_logs_stream(c, name, o, podc_go_output, (void *)h, err);
}
static int podc_go_exec_stream(podc_client *c, const char *name, char **argv, const podc_exec_options *o,
                               uintptr_t h, int *code, podc_error **err)
{
    return podc_exec_stream(c, name, (const char *const *)argv, o, podc_go_output, (void *)h, code, err);
}
static int podc_go_copy_out(podc_client *c, const char *name, const char *path, uintptr_t h, podc_error **err)
{
    return podc_copy_get_tar(c, name, path, podc_go_write, (void *)h, err);
}
static int podc_go_copy_in(podc_client *c, const char *name, const char *path, uintptr_t h, podc_error **err)
{
    return podc_copy_put_tar_stream(c, name, path, podc_go_read, (void *)h, err);
}
static int podc_go_events(podc_client *c, const podc_events_options *o, uintptr_t h, podc_error **err)
{
    return podc_events_stream(c, o, podc_go_event, (void *)h, err);
}
static int podc_go_build_set_progress(podc_image_build_options *o, uintptr_t h, podc_error **err)
{
    return podc_image_build_options_set_progress(o, podc_go_build_progress, (void *)h, err);
}
*/
import "C"

import (
	"context"
	"io"
	"runtime/cgo"
	"sort"
	"time"
	"unsafe"
)

// ioState is what the C stream callbacks reach through their userdata: the caller's readers
// and writers, and the first error one of them returned (the call then stops and that error
// is returned instead of the library's ErrCancelled).
type ioState struct {
	stdout, stderr io.Writer
	r              io.Reader
	event          func(Event) bool
	stopped        bool // event returned false: not an error
	err            error
}

func (s *ioState) fail(err error) C.int {
	if s.err == nil {
		s.err = err
	}
	return 1
}

//export podcGoOutput
func podcGoOutput(stream C.int, data *C.char, n C.size_t, h C.uintptr_t) C.int {
	s := cgo.Handle(h).Value().(*ioState)
	w := s.stdout
	if stream == C.PODC_STREAM_STDERR {
		w = s.stderr
	}
	if w == nil || n == 0 {
		return 0
	}
	if _, err := w.Write(C.GoBytes(unsafe.Pointer(data), C.int(n))); err != nil {
		return s.fail(err)
	}
	return 0
}

//export podcGoWrite
func podcGoWrite(data *C.char, n C.size_t, h C.uintptr_t) C.int {
	return podcGoOutput(C.PODC_STREAM_STDOUT, data, n, h)
}

//export podcGoRead
func podcGoRead(buf *C.char, n C.size_t, h C.uintptr_t) C.int64_t {
	s := cgo.Handle(h).Value().(*ioState)
	b := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n))
	for {
		k, err := s.r.Read(b)
		if k > 0 {
			return C.int64_t(k)
		}
		if err == io.EOF {
			return 0
		}
		if err != nil {
			s.fail(err)
			return -1
		}
	}
}

//export podcGoEvent
func podcGoEvent(e *C.podc_event, h C.uintptr_t) C.int {
	s := cgo.Handle(h).Value().(*ioState)
	ev := Event{Type: goStr(C.podc_event_type(e)), Action: goStr(C.podc_event_action(e)),
		ActorID: goStr(C.podc_event_actor_id(e)), Name: goStr(C.podc_event_name(e)),
		Time: time.Unix(0, int64(C.podc_event_time_ns(e))), Attributes: map[string]string{},
		JSON: goStr(C.podc_event_json(e))}
	for i, n := C.size_t(0), C.podc_event_attribute_count(e); i < n; i++ {
		ev.Attributes[goStr(C.podc_event_attribute_key_at(e, i))] = goStr(C.podc_event_attribute_value_at(e, i))
	}
	if !s.event(ev) {
		s.stopped = true
		return 1
	}
	return 0
}

// run makes one streaming call with an ioState behind a handle; a reader's or writer's
// error wins over the ErrCancelled it caused.
func (c *Client) stream(ctx context.Context, s *ioState, fn func(h *C.podc_client, hs C.uintptr_t, e **C.podc_error) C.int) error {
	hs := cgo.NewHandle(s)
	defer hs.Delete()
	err := c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return fn(h, C.uintptr_t(hs), e) })
	})
	if s.err != nil {
		return s.err
	}
	return err
}

// StreamLogs writes a container's output to stdout and stderr (either may be nil) as it
// comes; with opts.Follow until the container stops or ctx ends.
func (c *Client) StreamLogs(ctx context.Context, name string, opts *LogsOptions, stdout, stderr io.Writer) error {
	var m cmem
	defer m.free()
	o, err := logsOptions(opts, &m)
	if err != nil {
		return err
	}
	cn := m.str(name)
	return c.stream(ctx, &ioState{stdout: stdout, stderr: stderr},
		func(h *C.podc_client, hs C.uintptr_t, e **C.podc_error) C.int {
			return C.podc_go_logs_stream(h, cn, &o, hs, e)
		})
}

// ExecStream runs argv in the running container, writing its output to stdout and stderr
// (either may be nil) as it comes, and returns its exit code (a non-zero one is not an error).
func (c *Client) ExecStream(ctx context.Context, name string, argv []string, opts *ExecOptions,
	stdout, stderr io.Writer) (int, error) {
	if len(argv) == 0 {
		return -1, invalidOr(ErrInvalid, "argv", "exec: argv is empty")
	}
	var m cmem
	defer m.free()
	o, err := execOptions(opts, &m)
	if err != nil {
		return -1, err
	}
	defer C.podc_exec_options_free(o)
	cn := m.str(name)
	cargv, _ := m.argv(argv, true)
	code := C.int(-1)
	err = c.stream(ctx, &ioState{stdout: stdout, stderr: stderr},
		func(h *C.podc_client, hs C.uintptr_t, e **C.podc_error) C.int {
			return C.podc_go_exec_stream(h, cn, cargv, o, hs, &code, e)
		})
	return int(code), err
}

// CopyOut writes path of the container to w as a tar archive (a directory with its name as
// the first entry; "/dir/." leaves it out).
func (c *Client) CopyOut(ctx context.Context, container, path string, w io.Writer) error {
	var m cmem
	defer m.free()
	cn, cp := m.str(container), m.str(path)
	return c.stream(ctx, &ioState{stdout: w}, func(h *C.podc_client, hs C.uintptr_t, e **C.podc_error) C.int {
		return C.podc_go_copy_out(h, cn, cp, hs, e)
	})
}

// CopyIn extracts the tar archive read from r into directory dir of the container (created
// when missing), streamed as it is read.
func (c *Client) CopyIn(ctx context.Context, container, dir string, r io.Reader) error {
	var m cmem
	defer m.free()
	cn, cd := m.str(container), m.str(dir)
	return c.stream(ctx, &ioState{r: r}, func(h *C.podc_client, hs C.uintptr_t, e **C.podc_error) C.int {
		return C.podc_go_copy_in(h, cn, cd, hs, e)
	})
}

// Event is one of podman's events.
type Event struct {
	Type, Action, ActorID, Name string // "container", "died", the id, the container's name
	Time                        time.Time
	Attributes                  map[string]string // labels, "image", "containerExitCode", ...
	JSON                        string
}

// EventsOptions select events: filters as podman takes them (key -> values: "type",
// "container", "event", "label", "image", ...), a replay window (Since, Until: "10m",
// RFC 3339 or unix seconds), and Replay to return at Until (or now) instead of following.
type EventsOptions struct {
	Filters      map[string][]string
	Since, Until string
	Replay       bool
}

// Events calls fn for each event, oldest first, until fn returns false (then nil), ctx ends
// (ErrCancelled) or, with Replay, the window is delivered (nil).
func (c *Client) Events(ctx context.Context, opts *EventsOptions, fn func(Event) bool) error {
	if opts == nil {
		opts = &EventsOptions{}
	}
	var m cmem
	defer m.free()
	var o C.podc_events_options
	if rc := C.podc_events_options_init(&o, C.PODC_EVENTS_OPTIONS_VERSION); rc < 0 {
		return m.setterError(rc, "options")
	}
	if len(opts.Filters) > 0 {
		f := C.podc_filters_new()
		if f == nil {
			return invalidOr(ErrNoMemory, "", "podc_filters_new: out of memory")
		}
		defer C.podc_filters_free(f)
		for _, k := range sortedKeys(opts.Filters) {
			for _, v := range opts.Filters[k] {
				if rc := C.podc_filters_add(f, m.str(k), m.str(v), m.ep()); rc < 0 {
					return m.setterError(rc, "filters")
				}
			}
		}
		o.filters = f
	}
	o.since = m.opt(opts.Since)
	o.until = m.opt(opts.Until)
	if opts.Replay {
		o.follow = 0
	}
	s := &ioState{event: fn}
	err := c.stream(ctx, s, func(h *C.podc_client, hs C.uintptr_t, e **C.podc_error) C.int {
		return C.podc_go_events(h, &o, hs, e)
	})
	if s.stopped && s.err == nil {
		return nil
	}
	return err
}

// ImageListOptions select images: labels (all must match; "" = any value), a reference
// pattern ("localhost/app", "app:1", "localhost/app*").
type ImageListOptions struct {
	Labels    map[string]string
	Reference string
}

// ListImages lists images (Digest, Created and JSON are inspect's: empty here).
func (c *Client) ListImages(ctx context.Context, opts *ImageListOptions) ([]Image, error) {
	if opts == nil {
		opts = &ImageListOptions{}
	}
	var m cmem
	defer m.free()
	f, ferr := m.filters(opts.Labels, "reference", opts.Reference)
	if ferr != nil {
		return nil, ferr
	}
	defer C.podc_filters_free(f)
	out := []Image{}
	err := c.do(ctx, true, func(h *C.podc_client) error {
		var l *C.podc_image_list
		if err := cerr(func(e **C.podc_error) C.int { return C.podc_image_list_get(h, f, &l, e) }); err != nil {
			return err
		}
		defer C.podc_image_list_free(l)
		for i, n := C.size_t(0), C.podc_image_list_count(l); i < n; i++ {
			pi := C.podc_image_list_at(l, i)
			img := Image{ID: goStr(C.podc_image_id(pi)), Size: int64(C.podc_image_size(pi)), Labels: map[string]string{}}
			for j, nt := C.size_t(0), C.podc_image_tag_count(pi); j < nt; j++ {
				img.Tags = append(img.Tags, goStr(C.podc_image_tag_at(pi, j)))
			}
			for j, nl := C.size_t(0), C.podc_image_label_count(pi); j < nl; j++ {
				img.Labels[goStr(C.podc_image_label_key_at(pi, j))] = goStr(C.podc_image_label_value_at(pi, j))
			}
			out = append(out, img)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, err
}

// BuildOptions tune BuildImage.
type BuildOptions struct {
	Tags          []string // "localhost/app:1", ...
	Containerfile string   // "" = the context's Containerfile or Dockerfile; relative to the context
	Args          map[string]string
	Labels        map[string]string
	Target        string // a stage of a multi-stage build
	NoCache       bool
	PullNever     bool // base images must be there already
}

// BuildImage builds an image from contextDir (.containerignore / .dockerignore honoured),
// writing each output line to progress (may be nil), and returns its ID. A failing step is
// ErrBuild with the step's output in LogTail.
func (c *Client) BuildImage(ctx context.Context, contextDir string, opts *BuildOptions, progress io.Writer) (string, error) {
	if opts == nil {
		opts = &BuildOptions{}
	}
	var m cmem
	defer m.free()
	o := C.podc_image_build_options_new()
	if o == nil {
		return "", invalidOr(ErrNoMemory, "", "podc_image_build_options_new: out of memory")
	}
	defer C.podc_image_build_options_free(o)
	var err error
	set := func(rc C.int, field string) {
		if err == nil && rc < 0 {
			err = m.setterError(rc, field)
		}
	}
	for _, t := range opts.Tags {
		set(C.podc_image_build_options_add_tag(o, m.str(t), m.ep()), "tags")
	}
	if opts.Containerfile != "" {
		set(C.podc_image_build_options_set_containerfile(o, m.str(opts.Containerfile), m.ep()), "containerfile")
	}
	for _, k := range sortedKeys(opts.Args) {
		set(C.podc_image_build_options_add_build_arg(o, m.str(k), m.str(opts.Args[k]), m.ep()), "args")
	}
	for _, k := range sortedKeys(opts.Labels) {
		set(C.podc_image_build_options_add_label(o, m.str(k), m.str(opts.Labels[k]), m.ep()), "labels")
	}
	if opts.Target != "" {
		set(C.podc_image_build_options_set_target(o, m.str(opts.Target), m.ep()), "target")
	}
	if opts.NoCache {
		set(C.podc_image_build_options_set_no_cache(o, 1, m.ep()), "no_cache")
	}
	if opts.PullNever {
		set(C.podc_image_build_options_set_pull_never(o, 1, m.ep()), "pull_never")
	}
	prog, ph := newProgress(ctx, lineTo(progress))
	defer ph.Delete()
	set(C.podc_go_build_set_progress(o, C.uintptr_t(ph), m.ep()), "progress")
	if err != nil {
		return "", err
	}
	cdir := m.str(contextDir)
	var id *C.char
	err = c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_image_build(h, cdir, o, &id, e) })
	})
	if id != nil {
		defer C.podc_free(unsafe.Pointer(id))
	}
	prog.repanic()
	if err != nil {
		return "", err
	}
	return goStr(id), nil
}

// lineTo writes each progress line to w with a newline (nil: none).
func lineTo(w io.Writer) func(string) {
	if w == nil {
		return nil
	}
	return func(line string) { _, _ = io.WriteString(w, line+"\n") }
}
