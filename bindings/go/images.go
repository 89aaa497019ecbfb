package podc

/*
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <podc.h>

extern int podcGoData(char *data, size_t len, uintptr_t h);

static int podc_go_pull_progress(const char *data, size_t len, void *ud)
{
    return podcGoData((char *)data, len, (uintptr_t)ud);
}

static int podc_go_pull_set_progress(podc_image_pull_options *o, uintptr_t h, podc_error **err)
{
    return podc_image_pull_options_set_progress(o, podc_go_pull_progress, (void *)h, err);
}
*/
import "C"

import (
	"context"
	"encoding/json"
	"runtime/cgo"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// PullPolicy says when an image is fetched from its registry (PullImage, ServiceSpec.Pull,
// DataStorageConfig.Pull). The zero value is PullMissing.
type PullPolicy int

// The pull policies of libpodc (numeric values are part of its ABI).
const (
	PullMissing PullPolicy = C.PODC_IMAGE_PULL_MISSING // only when no local image has the name
	PullAlways  PullPolicy = C.PODC_IMAGE_PULL_ALWAYS  // every time
	PullNewer   PullPolicy = C.PODC_IMAGE_PULL_NEWER   // when the registry's image differs from the local one
	PullNever   PullPolicy = C.PODC_IMAGE_PULL_NEVER   // never: a missing image is ErrNotFound
)

// String is the policy's name ("missing", "always", "newer", "never"), or "PullPolicy(N)"
// for an unknown value.
func (p PullPolicy) String() string {
	if p.valid() {
		return C.GoString(C.podc_image_pull_policy_name(C.podc_image_pull_policy(p)))
	}
	return "PullPolicy(" + strconv.Itoa(int(p)) + ")"
}

// valid: p converts to the C enum unchanged and the library knows it.
func (p PullPolicy) valid() bool {
	c := C.podc_image_pull_policy(p)
	return p >= 0 && int(c) == int(p) && C.podc_image_pull_policy_name(c) != nil
}

// ParsePullPolicy turns "missing", "always", "newer" or "never" into a PullPolicy
// (ErrInvalid, details["field"] "policy", for anything else).
func ParsePullPolicy(name string) (PullPolicy, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var out C.podc_image_pull_policy
	if C.podc_image_pull_policy_from_name(cs, &out) < 0 {
		return PullMissing, invalidOr(ErrInvalid, "policy",
			"policy: unknown pull policy "+strconv.Quote(name)+" (one of missing, always, newer, never)")
	}
	return PullPolicy(out), nil
}

// PullOptions are the registry settings of a pull or a push. The zero value (and a nil
// *PullOptions) means: policy missing, TLS verified, credentials found the way podman finds
// them ($REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json,
// ~/.config/containers/auth.json, ~/.docker/config.json), 3 tries with a back-off of 1 s then
// 2 s for transient failures, podman's progress lines, no timeout.
//
// The password and identity token are handed to libpodc, which sends them in the
// X-Registry-Auth header only (never in an error, a progress line or JSON) and wipes its copy
// when done; this package never puts them into an error either.
type PullOptions struct {
	// Policy: when to pull (PullImage, ServiceSpec.Pull, DataStorageConfig.Pull). Ignored by
	// PushImage.
	Policy PullPolicy
	// InsecureSkipTLSVerify talks plain HTTP or unverified TLS to the registry
	// (podman's --tls-verify=false). The zero value verifies.
	InsecureSkipTLSVerify bool
	// Username and Password: explicit credentials for the image's registry; they replace any
	// found in auth files. A Password needs a Username.
	Username, Password string
	// IdentityToken: an identity (OAuth refresh) token instead of a password (not with
	// Password).
	IdentityToken string
	// AuthFile: read credentials from this auth.json / Docker config.json only.
	AuthFile string
	// Platform to pull of a multi-arch image: "os/arch" or "os/arch/variant"
	// ("linux/arm64/v8"); "" = the service's own. Ignored by PushImage.
	Platform string
	// Retries: attempts in all for transient failures (registry unreachable, connection
	// reset, HTTP 5xx, TLS handshake and i/o timeouts), 1 = no retry, at most 10; 0 = 3.
	// Authentication failures, missing images and invalid input are never retried.
	Retries int
	// Backoff: the first wait between tries, doubling after each; 0 = 1 s.
	Backoff time.Duration
	// Quiet asks podman for no progress lines.
	Quiet bool
	// Progress receives podman's progress lines ("Copying blob sha256:..."), one call per
	// line without the newline, plus podc's "retrying in 1000 ms (try 2 of 3): ..." lines. It
	// runs on the calling goroutine's thread during the call and must not use the Client that
	// runs it. A panic in it stops the call and is raised again from PullImage/PushImage.
	// Only PullImage and PushImage use it: in ServiceSpec.Pull and DataStorageConfig.Pull the
	// lines go to the spec's or config's own Progress, as "pulling REF: ...".
	Progress func(line string)
	// Timeout of each try; 0 = none (a large image takes as long as it takes).
	Timeout time.Duration
}

// build makes a podc_image_pull_options (the caller frees it with
// podc_image_pull_options_free) from o (nil = defaults). progress 0 = no progress callback.
// push: Policy and Platform do not apply and are not checked. Error messages name the
// field, never a value.
func (o *PullOptions) build(m *cmem, progress cgo.Handle, push bool) (*C.podc_image_pull_options, error) {
	if o == nil {
		o = &PullOptions{}
	}
	var osName, arch, variant string
	switch {
	case !push && !o.Policy.valid():
		return nil, invalidOr(ErrInvalid, "policy", "policy: unknown pull policy "+strconv.Itoa(int(o.Policy)))
	case o.Password != "" && o.Username == "":
		return nil, invalidOr(ErrInvalid, "credentials", "credentials: a password needs a username")
	case o.IdentityToken != "" && o.Password != "":
		return nil, invalidOr(ErrInvalid, "credentials", "credentials: give a password or an identity token, not both")
	case o.Retries < 0:
		return nil, invalidOr(ErrInvalid, "retries", "retries: must not be negative")
	case o.Backoff < 0:
		return nil, invalidOr(ErrInvalid, "backoff", "backoff: must not be negative")
	case o.Timeout < 0:
		return nil, invalidOr(ErrInvalid, "timeout", "timeout: must not be negative")
	}
	if !push && o.Platform != "" {
		parts := strings.Split(o.Platform, "/")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" || (len(parts) == 3 && parts[2] == "") {
			return nil, invalidOr(ErrInvalid, "platform",
				"platform: want os/arch or os/arch/variant (e.g. linux/arm64), got "+strconv.Quote(o.Platform))
		}
		osName, arch = parts[0], parts[1]
		if len(parts) == 3 {
			variant = parts[2]
		}
	}
	po := C.podc_image_pull_options_new()
	if po == nil {
		return nil, invalidOr(ErrNoMemory, "", "podc_image_pull_options_new: out of memory")
	}
	var err error
	set := func(rc C.int, field string) {
		if err == nil && rc < 0 {
			err = m.setterError(rc, field)
		}
	}
	if !push {
		set(C.podc_image_pull_options_set_policy(po, C.podc_image_pull_policy(o.Policy), m.ep()), "policy")
	}
	var flags C.uint
	if o.InsecureSkipTLSVerify {
		flags |= C.PODC_IMAGE_PULL_TLS_NO_VERIFY
	}
	if o.Quiet {
		flags |= C.PODC_IMAGE_PULL_QUIET
	}
	set(C.podc_image_pull_options_set_flags(po, flags, m.ep()), "flags")
	if o.Username != "" {
		set(C.podc_image_pull_options_set_credentials(po, m.str(o.Username), m.str(o.Password), m.ep()), "credentials")
	}
	if o.IdentityToken != "" {
		set(C.podc_image_pull_options_set_identity_token(po, m.str(o.IdentityToken), m.ep()), "identity_token")
	}
	if o.AuthFile != "" {
		set(C.podc_image_pull_options_set_authfile(po, m.str(o.AuthFile), m.ep()), "auth_file")
	}
	if osName != "" {
		set(C.podc_image_pull_options_set_platform(po, m.str(osName), m.str(arch), m.opt(variant), m.ep()), "platform")
	}
	if o.Retries != 0 || o.Backoff != 0 {
		tries, backoff := o.Retries, o.Backoff
		if tries == 0 {
			tries = 3
		}
		if backoff == 0 {
			backoff = time.Second
		}
		set(C.podc_image_pull_options_set_retries(po, C.int(tries), ms(backoff), m.ep()), "retries")
	}
	if o.Timeout != 0 {
		set(C.podc_image_pull_options_set_timeout(po, ms(o.Timeout), m.ep()), "timeout")
	}
	if progress != 0 {
		set(C.podc_go_pull_set_progress(po, C.uintptr_t(progress), m.ep()), "progress")
	}
	if err != nil {
		C.podc_image_pull_options_free(po)
		return nil, err
	}
	return po, nil
}

// PullImage fetches ref ("docker.io/library/redis:7-alpine"; a short name such as
// "redis:7-alpine" is resolved by the service's registries.conf;
// "127.0.0.1:5000/app@sha256:...") as opts say (nil = defaults) and returns the image ID
// (64 hex). With PullMissing an image already present is not fetched.
// Errors: ErrAuth (wrong or missing credentials; details["registry"]), ErrNotFound (no such
// repository or tag; PullNever and no local image), ErrTransport (the registry is unreachable
// after every try), ErrInvalid (bad reference or option, nothing sent; a TLS mismatch: set
// InsecureSkipTLSVerify for a plain-HTTP registry), ErrUnsupported (a credential helper in
// the auth file), ErrCancelled (the context ended, also during a back-off wait), ErrTimeout.
func (c *Client) PullImage(ctx context.Context, ref string, opts *PullOptions) (string, error) {
	return c.transfer(ctx, ref, "", opts, false)
}

// PushImage uploads the local image ref to destination (a full reference such as
// "127.0.0.1:5000/team/app:1"; "" = ref itself) with the credentials, TLS setting, retries
// and progress of opts (Policy and Platform do not apply). It returns the manifest digest
// the registry stored ("sha256:...") when podman reports it, else "". Errors as for
// PullImage, and ErrNotFound for a missing local image.
func (c *Client) PushImage(ctx context.Context, ref, destination string, opts *PullOptions) (string, error) {
	return c.transfer(ctx, ref, destination, opts, true)
}

func (c *Client) transfer(ctx context.Context, ref, destination string, opts *PullOptions, push bool) (string, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var fn func(string)
	if opts != nil {
		fn = opts.Progress
	}
	prog, ph := newProgress(ctx, fn)
	defer ph.Delete()
	var m cmem
	defer m.free()
	var cb cgo.Handle
	if fn != nil {
		cb = ph
	}
	o, err := opts.build(&m, cb, push)
	if err != nil {
		return "", err
	}
	defer C.podc_image_pull_options_free(o)
	cref, cdest := m.str(ref), m.opt(destination)
	var out *C.char
	err = c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int {
			if push {
				return C.podc_image_push(h, cref, cdest, o, &out, e)
			}
			return C.podc_image_pull(h, cref, o, &out, e)
		})
	})
	if out != nil {
		defer C.podc_free(unsafe.Pointer(out))
	}
	prog.repanic()
	if err != nil {
		return "", err
	}
	return goStr(out), nil
}

// Image is an image as podman's inspect describes it.
type Image struct {
	ID      string   // 64 hex digits
	Tags    []string // RepoTags ("localhost/app:1"); none for an untagged image
	Digest  string   // manifest digest of a pulled image ("sha256:..."), else ""
	Size    int64    // bytes; -1 when unknown
	Created string   // RFC 3339
	Labels  map[string]string
	JSON    string // podman's whole inspect reply
}

// InspectImage describes the image ref ("localhost/app:1", an ID or a unique prefix).
// Errors: ErrNotFound, ErrInvalid.
func (c *Client) InspectImage(ctx context.Context, ref string) (*Image, error) {
	var m cmem
	defer m.free()
	cref := m.str(ref)
	var img *Image
	err := c.do(ctx, true, func(h *C.podc_client) error {
		var pi *C.podc_image
		if err := cerr(func(e **C.podc_error) C.int { return C.podc_image_inspect(h, cref, &pi, e) }); err != nil {
			return err
		}
		defer C.podc_image_free(pi)
		img = &Image{
			ID:      goStr(C.podc_image_id(pi)),
			Digest:  goStr(C.podc_image_digest(pi)),
			Size:    int64(C.podc_image_size(pi)),
			Created: goStr(C.podc_image_created(pi)),
			Labels:  map[string]string{},
			JSON:    goStr(C.podc_image_json(pi)),
		}
		for i, n := C.size_t(0), C.podc_image_tag_count(pi); i < n; i++ {
			img.Tags = append(img.Tags, goStr(C.podc_image_tag_at(pi, i)))
		}
		for i, n := C.size_t(0), C.podc_image_label_count(pi); i < n; i++ {
			img.Labels[goStr(C.podc_image_label_key_at(pi, i))] = goStr(C.podc_image_label_value_at(pi, i))
		}
		if img.JSON != "" && !json.Valid([]byte(img.JSON)) {
			return &Error{Code: ErrProtocol, Category: ErrProtocol.Name(),
				Message: "image inspect: reply is not JSON", Details: map[string]string{}}
		}
		return nil
	})
	return img, err
}

// ImageExists reports whether the image ref is present (a missing one is not an error).
func (c *Client) ImageExists(ctx context.Context, ref string) (bool, error) {
	var m cmem
	defer m.free()
	cref := m.str(ref)
	var out C.int
	err := c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_image_exists(h, cref, &out, e) })
	})
	return out == 1, err
}

// TagImage adds the name repo:tag to the image ref (tag "" = "latest"; a repo without a
// domain becomes localhost/<repo>). Errors: ErrInvalid, ErrNotFound.
func (c *Client) TagImage(ctx context.Context, ref, repo, tag string) error {
	var m cmem
	defer m.free()
	cref, crepo, ctag := m.str(ref), m.str(repo), m.opt(tag)
	return c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_image_tag(h, cref, crepo, ctag, e) })
	})
}

// RemoveImage removes ref. A ref naming one of several tags only untags it; the image goes
// with its last name. force also removes containers using the image. Errors: ErrNotFound,
// ErrConflict (in use, without force), ErrInvalid.
func (c *Client) RemoveImage(ctx context.Context, ref string, force bool) error {
	var m cmem
	defer m.free()
	cref := m.str(ref)
	var flags C.uint
	if force {
		flags = C.PODC_IMAGE_REMOVE_FORCE
	}
	return c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_image_remove(h, cref, flags, e) })
	})
}
