"""Structured exceptions built from podc_error objects.

Every failing call raises a PodcError subclass chosen by the error category, carrying
what the library reported: HTTP status, podman's cause and message, the container, its exit
code and log tail, named details ("field", "port", "component", ...) and the whole error as
parsed JSON (podc_error_to_json, the same text the podc tool prints).
"""

import json as _json
from ctypes import byref, c_int, c_void_p

from ._lib import dec, lib, take_string

__all__ = ["PodcError", "TransportError", "Timeout", "NotFound", "Conflict", "InvalidInput",
           "ServerError", "ProtocolError", "HealthCheckFailed", "Cancelled", "OutOfMemory",
           "BuildFailed", "Unsupported", "MigrationFailed", "AuthError", "LocalFileError", "CODES", "error_from", "check", "call",
           "setter"]

# PODC_E* values (part of the ABI, never renumbered)
OK = 0
ETRANSPORT, ETIMEOUT, ENOTFOUND, ECONFLICT, EINVAL, ESERVER, EPROTOCOL = -1, -2, -3, -4, -5, -6, -7
EHEALTH, ECANCELLED, ENOMEM, EBUILD, EUNSUPPORTED, EMIGRATION = -8, -9, -10, -11, -12, -13
EAUTH = -14
EFILE = -15

# detail keys the library documents (podc_error_detail)
_DETAIL_KEYS = ("field", "socket", "tried", "component", "file", "statement", "port", "oom_killed",
                "memory_limit", "registry", "image")


class PodcError(Exception):
    """Base of every podc error. Attributes are None when the library did not report them."""

    code = None  # the PODC_E* value of the class; instances carry the actual one

    def __init__(self, message, code=None, category=None, http_status=0, cause=None,
                 server_message=None, method=None, path=None, container=None, container_id=None,
                 exit_code=None, log_tail=None, details=None, json=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.category = category if category is not None else (
            dec(lib.podc_error_code_name(self.code)) if self.code is not None else None)
        self.http_status = http_status
        self.cause = cause
        self.server_message = server_message
        self.method = method
        self.path = path
        self.container = container
        self.container_id = container_id
        self.exit_code = exit_code
        self.log_tail = log_tail
        self.details = dict(details or {})
        self.json = json

    def __str__(self):
        return self.message

    def __repr__(self):
        return "%s(%r, category=%r)" % (type(self).__name__, self.message, self.category)


class TransportError(PodcError):
    code = ETRANSPORT


class Timeout(PodcError):
    code = ETIMEOUT


class NotFound(PodcError):
    code = ENOTFOUND


class Conflict(PodcError):
    code = ECONFLICT


class InvalidInput(PodcError):
    code = EINVAL


class ServerError(PodcError):
    code = ESERVER


class ProtocolError(PodcError):
    code = EPROTOCOL


class HealthCheckFailed(PodcError):
    code = EHEALTH


class Cancelled(PodcError):
    code = ECANCELLED


class OutOfMemory(PodcError):
    code = ENOMEM


class BuildFailed(PodcError):
    code = EBUILD


class Unsupported(PodcError):
    code = EUNSUPPORTED


class MigrationFailed(PodcError):
    code = EMIGRATION


class AuthError(PodcError):
    """A registry refused the credentials, or none were given (category "auth");
    details["registry"] names the registry. Also an ssh:// service that accepted none of the
    keys tried (details["tried"] names the URI). The message never carries a password."""
    code = EAUTH


class LocalFileError(PodcError):
    """A local file or directory could not be read, written or made (category "local_file":
    permissions, I/O, no space); details["path"] names it."""
    code = EFILE


CODES = {cls.code: cls for cls in (TransportError, Timeout, NotFound, Conflict, InvalidInput,
                                   ServerError, ProtocolError, HealthCheckFailed, Cancelled,
                                   OutOfMemory, BuildFailed, Unsupported, MigrationFailed,
                                   AuthError, LocalFileError)}


def error_from(rc, err=None):
    """Builds the exception for return code rc from a podc_error pointer (not freed here)."""
    cls = CODES.get(rc, PodcError)
    if not err:
        text = dec(lib.podc_strerror(rc)) or "podc error %d" % rc
        return cls(text, code=rc, details={})
    code = lib.podc_error_code(err) or rc
    cls = CODES.get(code, cls)
    ec = c_int()
    exit_code = ec.value if lib.podc_error_exit_code(err, byref(ec)) else None
    details = {}
    for key in _DETAIL_KEYS:
        v = dec(lib.podc_error_detail(err, key.encode()))
        if v is not None:
            details[key] = v
    parsed = None
    text = take_string(lib.podc_error_to_json(err))
    if text:
        try:
            parsed = _json.loads(text)
        except ValueError:
            parsed = None
    # details the JSON knows about but we did not ask for by name
    if isinstance(parsed, dict) and isinstance(parsed.get("details"), dict):
        for k, v in parsed["details"].items():
            details.setdefault(k, v)
    return cls(dec(lib.podc_error_message(err)) or dec(lib.podc_strerror(code)),
               code=code,
               category=dec(lib.podc_error_code_name(code)),
               http_status=lib.podc_error_http_status(err),
               cause=dec(lib.podc_error_cause(err)),
               server_message=dec(lib.podc_error_server_message(err)),
               method=dec(lib.podc_error_method(err)),
               path=dec(lib.podc_error_path(err)),
               container=dec(lib.podc_error_container(err)),
               container_id=dec(lib.podc_error_container_id(err)),
               exit_code=exit_code,
               log_tail=dec(lib.podc_error_log_tail(err)),
               details=details,
               json=parsed)


def check(rc, what=None):
    """For calls without an error object (builder setters): raise on a negative rc."""
    if rc < 0:
        exc = error_from(rc)
        if what:
            exc.message = "%s: %s" % (what, exc.message)
            exc.args = (exc.message,)
            if rc == EINVAL:
                exc.details.setdefault("field", what)
        raise exc
    return rc


def setter(what, fn, *args):
    """Calls the builder setter fn(*args, &err); raises the matching PodcError on a negative
    result, its message prefixed with what and details["field"] = what (the binding's name for
    the input, which may differ from the C setter's). The podc_error is always freed."""
    err = c_void_p()
    try:
        rc = fn(*args, byref(err))
        if rc < 0:
            exc = error_from(rc, err)
            exc.message = "%s: %s" % (what, exc.message)
            exc.args = (exc.message,)
            if rc == EINVAL:
                exc.details["field"] = what
            raise exc
        return rc
    finally:
        if err:
            lib.podc_error_free(err)


def call(fn, *args):
    """Calls fn(*args, &err); raises the matching PodcError on a negative result.
    The podc_error is always freed."""
    err = c_void_p()
    try:
        rc = fn(*args, byref(err))
        if rc < 0:
            raise error_from(rc, err)
        return rc
    finally:
        if err:
            lib.podc_error_free(err)
