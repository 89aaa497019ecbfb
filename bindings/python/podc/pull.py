"""Registry settings for pulls and pushes (podc/images.h "Pull and push").

    from podc import Client, PullOptions

    with Client() as c:
        iid = c.images.pull("docker.io/library/redis:7-alpine", policy="always",
                            progress=print)
        c.images.push("localhost/app:1", "127.0.0.1:5000/team/app:1", tls_verify=False)
        # the same settings for a service or a DataStorage stack:
        opts = PullOptions(credentials=("user", "secret"), tls_verify=False)
        Service.start(c, name="db", image="127.0.0.1:5001/team/db:1", pull=opts, ...)

Credentials are handed to libpodc, which sends them in the X-Registry-Auth header only (never
in an error, a progress line or JSON) and wipes its copy when the options are freed; the
Python str/bytes objects themselves cannot be wiped. repr() of a PullOptions masks them.
"""

from ctypes import byref, c_int

from ._lib import dec, enc, lib, need
from .errors import InvalidInput, setter

__all__ = ["PullOptions", "POLICIES", "pull_policy", "pull_policy_name"]

POLICIES = ("missing", "always", "newer", "never")  # podc_image_pull_policy 0..3 (ABI)
_TLS_NO_VERIFY = 0x1  # PODC_IMAGE_PULL_TLS_NO_VERIFY
_QUIET = 0x2          # PODC_IMAGE_PULL_QUIET


def _invalid(field, message):
    return InvalidInput("%s: %s" % (field, message), code=-5, details={"field": field})


def pull_policy(value):
    """A policy name ("missing", "always", "newer", "never") or its number -> the number.
    Raises InvalidInput (details["field"] == "policy") for anything else."""
    if isinstance(value, bool):
        raise _invalid("policy", "not a pull policy: %r" % (value,))
    if isinstance(value, int):
        if need("podc_image_pull_policy_name")(value) is None:
            raise _invalid("policy", "unknown pull policy %d (one of %s)" % (value, ", ".join(POLICIES)))
        return value
    out = c_int()
    if not isinstance(value, str) or need("podc_image_pull_policy_from_name")(enc(value), byref(out)) < 0:
        raise _invalid("policy", "unknown pull policy %r (one of %s)" % (value, ", ".join(POLICIES)))
    return out.value


def pull_policy_name(value):
    """The name of a policy number (or a name, checked), e.g. 1 -> "always"."""
    return dec(lib.podc_image_pull_policy_name(pull_policy(value)))


def _platform(value):
    """"linux/arm64[/v8]" or ("linux", "arm64"[, "v8"]) -> (os, arch, variant or None)."""
    parts = value.split("/") if isinstance(value, str) else list(value)
    if len(parts) not in (2, 3) or not all(isinstance(p, str) and p for p in parts):
        raise _invalid("platform", "want OS/ARCH or OS/ARCH/VARIANT (e.g. linux/arm64), got %r" % (value,))
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


class PullOptions:
    """How images are fetched from (and sent to) registries.

    policy: "missing" (default: only when no local image has the name), "always", "newer" or
    "never" (a missing image is NotFound); tls_verify=False for a plain-HTTP or self-signed
    registry; credentials: a (user, password) tuple, or identity_token (an OAuth refresh token)
    instead; authfile: read credentials from this auth.json / Docker config.json only (default:
    podman's search: $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, ...);
    platform: "linux/arm64[/v8]" for a multi-arch image (pull only); retries: attempts in all
    for transient failures (1 = no retry, at most 10), waiting backoff_ms, doubling after each
    try; quiet: ask podman for no progress lines; timeout_ms: per try (None/0 = none).

    Used by Client.images.pull/push (which take the same keywords directly), Service.start(pull=)
    and DataStorageStack.up(pull=); those two also accept a dict of these keywords or a policy
    name. Their pull progress goes to the service's/stack's own progress callback.
    """

    def __init__(self, policy="missing", tls_verify=True, credentials=None, identity_token=None,
                 authfile=None, platform=None, retries=3, backoff_ms=1000, quiet=False, timeout_ms=None):
        self.policy = policy
        self.tls_verify = tls_verify
        self.credentials = credentials
        self.identity_token = identity_token
        self.authfile = authfile
        self.platform = platform
        self.retries = retries
        self.backoff_ms = backoff_ms
        self.quiet = quiet
        self.timeout_ms = timeout_ms

    @classmethod
    def of(cls, value):
        """None, a PullOptions, a dict of PullOptions keywords or a policy name -> PullOptions
        (or None)."""
        if value is None or isinstance(value, PullOptions):
            return value
        if isinstance(value, dict):
            return cls(**value)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return cls(policy=value)
        raise TypeError("pull: want a PullOptions, a dict or a policy name, got %s" % type(value).__name__)

    def __repr__(self):
        cred = None
        if self.credentials is not None:  # never the password
            c = self.credentials
            cred = (c[0], "***") if isinstance(c, (tuple, list)) and len(c) == 2 else "***"
        return ("PullOptions(policy=%r, tls_verify=%r, credentials=%r, identity_token=%r, authfile=%r, "
                "platform=%r, retries=%r, backoff_ms=%r, quiet=%r, timeout_ms=%r)" % (
                    self.policy, self.tls_verify, cred, None if self.identity_token is None else "***",
                    self.authfile, self.platform, self.retries, self.backoff_ms, self.quiet, self.timeout_ms))

    def _handle(self, data_cb=None, push=False):
        """A new podc_image_pull_options (the caller frees it with podc_image_pull_options_free)
        with these settings and data_cb (a DATA_CB, kept alive by the caller) as progress.
        push: policy and platform do not apply (and are not checked)."""
        if self.credentials is not None and self.identity_token is not None:
            raise _invalid("credentials", "give credentials or identity_token, not both")
        policy = None if push else pull_policy(self.policy)
        platform = None if push or not self.platform else _platform(self.platform)
        o = need("podc_image_pull_options_new")()
        if not o:
            raise MemoryError("podc_image_pull_options_new")
        try:
            if policy is not None:
                setter("policy", lib.podc_image_pull_options_set_policy, o, policy)
            flags = (0 if self.tls_verify else _TLS_NO_VERIFY) | (_QUIET if self.quiet else 0)
            setter("flags", lib.podc_image_pull_options_set_flags, o, flags)
            if self.credentials is not None:
                try:
                    user, password = self.credentials
                except (TypeError, ValueError):
                    raise _invalid("credentials", "want a (user, password) tuple") from None
                setter("credentials", lib.podc_image_pull_options_set_credentials, o, enc(user), enc(password))
            if self.identity_token is not None:
                setter("identity_token", lib.podc_image_pull_options_set_identity_token, o, enc(self.identity_token))
            if self.authfile is not None:
                setter("authfile", lib.podc_image_pull_options_set_authfile, o, enc(self.authfile))
            if platform is not None:
                setter("platform", lib.podc_image_pull_options_set_platform, o, *[enc(p) for p in platform])
            retries = 3 if self.retries is None else int(self.retries)
            backoff = 1000 if self.backoff_ms is None else int(self.backoff_ms)
            setter("retries", lib.podc_image_pull_options_set_retries, o, retries, backoff)
            if self.timeout_ms:
                setter("timeout_ms", lib.podc_image_pull_options_set_timeout, o, int(self.timeout_ms))
            if data_cb is not None:
                setter("progress", lib.podc_image_pull_options_set_progress, o, data_cb, None)
        except BaseException:
            lib.podc_image_pull_options_free(o)
            raise
        return o
