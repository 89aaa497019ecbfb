package podc

/*
#include <stdlib.h>
#include <podc.h>
*/
import "C"

import (
	"encoding/json"
	"errors"
	"unsafe"
)

// Code is a libpodc error category (a negative PODC_E* value). The Err* constants are
// sentinels: errors.Is(err, podc.ErrNotFound) is true for every *Error of that category.
type Code int

// The categories of libpodc (numeric values are part of its ABI).
const (
	ErrTransport   Code = C.PODC_ETRANSPORT   // socket missing, connection refused or dropped
	ErrTimeout     Code = C.PODC_ETIMEOUT     // the call's timeout expired
	ErrNotFound    Code = C.PODC_ENOTFOUND    // container, image, network or exec session missing
	ErrConflict    Code = C.PODC_ECONFLICT    // name in use, object in use, wrong state, port busy
	ErrInvalid     Code = C.PODC_EINVAL       // invalid input (nothing sent) or the server's 400
	ErrServer      Code = C.PODC_ESERVER      // the service failed (HTTP 5xx)
	ErrProtocol    Code = C.PODC_EPROTOCOL    // a reply libpodc cannot understand
	ErrHealth      Code = C.PODC_EHEALTH      // a container did not become healthy
	ErrCancelled   Code = C.PODC_ECANCELLED   // cancelled (Client.Cancel, a context, a callback)
	ErrNoMemory    Code = C.PODC_ENOMEM       // out of memory
	ErrBuild       Code = C.PODC_EBUILD       // an image build failed
	ErrUnsupported Code = C.PODC_EUNSUPPORTED // the server's libpod API is too old
	ErrMigration   Code = C.PODC_EMIGRATION   // a database migration failed
	ErrAuth        Code = C.PODC_EAUTH        // a registry refused the credentials or none were given; ssh: no key accepted
	ErrFile        Code = C.PODC_EFILE        // a local file or directory could not be read, written or made
)

// Error returns the category's English text, e.g. "not found".
func (c Code) Error() string { return C.GoString(C.podc_strerror(C.int(c))) }

// Name returns the category's machine name, e.g. "not_found".
func (c Code) Name() string { return C.GoString(C.podc_error_code_name(C.int(c))) }

// String is the same as Name.
func (c Code) String() string { return c.Name() }

// Error is a failure reported by libpodc. Fields the library did not report are empty.
type Error struct {
	Code          Code   // the category (a negative PODC_E* value)
	Category      string // its machine name: "not_found", "health_check", ...
	Message       string // one readable line: what failed and why
	HTTPStatus    int    // HTTP status of the reply; 0 when no reply was received
	Cause         string // podman's cause (innermost error)
	ServerMessage string // podman's message
	Method        string // the request that failed ("GET"), without query or body
	Path          string
	Container     string // the container the error is about
	ContainerID   string
	ExitCode      int  // the container's exit code, valid when HasExitCode
	HasExitCode   bool //
	LogTail       string
	// Named details: "field" (invalid input), "socket", "tried", "component", "file",
	// "statement", "port", "oom_killed", "memory_limit", "registry" (pull and push), "image",
	// ...
	Details map[string]string
	JSON    string // the whole error as JSON (podc_error_to_json), as the podc tool prints it

	wrapped error // context error or the like, reached through Unwrap
}

func (e *Error) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return e.Code.Error()
}

// Is reports whether target is this error's category (a Code such as ErrNotFound), or
// another *Error of the same category.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Code:
		return t == e.Code
	case *Error:
		return t.Code == e.Code
	}
	return false
}

// Unwrap returns the error behind a cancellation (context.Canceled or
// context.DeadlineExceeded when a context ended the call), or nil.
func (e *Error) Unwrap() error { return e.wrapped }

// detail keys the library documents; more are taken from the error's JSON.
var detailKeys = []string{"field", "socket", "tried", "component", "file", "statement", "port",
	"oom_killed", "memory_limit", "registry", "image"}

func goStr(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// takeError turns rc and a podc_error (which it frees) into an *Error; nil when rc >= 0.
func takeError(rc C.int, e *C.podc_error) error {
	if e != nil {
		defer C.podc_error_free(e)
	}
	if rc >= 0 {
		return nil
	}
	code := Code(rc)
	if e == nil {
		return &Error{Code: code, Category: code.Name(), Message: code.Error(), Details: map[string]string{}}
	}
	if c := C.podc_error_code(e); c < 0 {
		code = Code(c)
	}
	out := &Error{
		Code:          code,
		Category:      code.Name(),
		Message:       goStr(C.podc_error_message(e)),
		HTTPStatus:    int(C.podc_error_http_status(e)),
		Cause:         goStr(C.podc_error_cause(e)),
		ServerMessage: goStr(C.podc_error_server_message(e)),
		Method:        goStr(C.podc_error_method(e)),
		Path:          goStr(C.podc_error_path(e)),
		Container:     goStr(C.podc_error_container(e)),
		ContainerID:   goStr(C.podc_error_container_id(e)),
		LogTail:       goStr(C.podc_error_log_tail(e)),
		Details:       map[string]string{},
	}
	if out.Message == "" {
		out.Message = code.Error()
	}
	var ec C.int
	if C.podc_error_exit_code(e, &ec) != 0 {
		out.ExitCode, out.HasExitCode = int(ec), true
	}
	for _, k := range detailKeys {
		ck := C.CString(k)
		v := C.podc_error_detail(e, ck)
		C.free(unsafe.Pointer(ck))
		if v != nil {
			out.Details[k] = C.GoString(v)
		}
	}
	if j := C.podc_error_to_json(e); j != nil {
		out.JSON = C.GoString(j)
		C.podc_free(unsafe.Pointer(j))
		var parsed struct {
			Details map[string]interface{} `json:"details"`
		}
		if json.Unmarshal([]byte(out.JSON), &parsed) == nil {
			for k, v := range parsed.Details {
				if _, ok := out.Details[k]; !ok {
					if s, ok := v.(string); ok {
						out.Details[k] = s
					}
				}
			}
		}
	}
	return out
}

// cerr calls fn with a podc_error out-parameter and converts (and frees) what it reports.
func cerr(fn func(e **C.podc_error) C.int) error {
	var e *C.podc_error
	rc := fn(&e)
	return takeError(rc, e)
}

// setterError is the error of a builder setter that returned rc, with the podc_error it left
// in m.ep() (taken and freed here): what is the binding's name for the input; it prefixes the
// message and, for invalid input, is details["field"] (the C setter's own name for it may
// differ). nil when rc >= 0.
func (m *cmem) setterError(rc C.int, what string) error {
	var e *C.podc_error
	if m.errSlot != nil {
		e, *m.errSlot = *m.errSlot, nil
	}
	if rc >= 0 || e == nil {
		if e != nil {
			C.podc_error_free(e)
		}
		if rc >= 0 {
			return nil
		}
		return invalidOr(Code(rc), what, what+": "+Code(rc).Error())
	}
	err := takeError(rc, e).(*Error)
	if what != "" {
		err.Message = what + ": " + err.Message
		if err.Code == ErrInvalid {
			err.Details["field"] = what
		}
	}
	return err
}

// invalidOr makes an *Error of code with message; invalid input gets details["field"].
func invalidOr(code Code, field, message string) *Error {
	e := &Error{Code: code, Category: code.Name(), Message: message, Details: map[string]string{}}
	if code == ErrInvalid && field != "" {
		e.Details["field"] = field
	}
	return e
}

// ErrClosed is returned by calls on a closed Client.
var ErrClosed = errors.New("podc: client is closed")
