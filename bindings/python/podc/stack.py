"""Stacks: services and one-shot jobs brought up as one graph; compose files run as they are.

    from podc import Client
    from podc.service import HttpCheck, ExecCheck
    from podc.stack import StackSpec

    spec = StackSpec("suite")
    spec.service("postgres", image="localhost/podc-postgres:test", env={...},
                 checks=[ExecCheck(["pg_isready", "-h", "127.0.0.1"])])
    spec.job("migrate", image=..., command=[...], depends_on={"postgres": "healthy"})
    spec.service("api", image=..., ports={8080: 0}, checks=[HttpCheck(8080, "/healthz")],
                 depends_on={"migrate": "completed"})
    with Client() as c, spec.up(c) as st:        # down at the end of the block
        print(st.service("api").url(8080))

    with Client() as c, StackSpec.compose("compose.yaml", images={"api": "localhost/api:test"}).up(c) as st:
        ...

Independent members start side by side; a member that waits is prepared meanwhile and started
the moment its dependencies are met. The first failure (a check, a job's non-zero exit, a
healthy member that stops) removes everything and raises: HealthCheckFailed with .exit_code,
.log_tail and details["member"] / details["waiting"].
"""

from ctypes import byref, c_size_t, c_void_p

from ._callbacks import Guard, guarded_call
from ._lib import WARNING_CB, dec, enc, lib, need
from .errors import InvalidInput, call, setter
from .service import Service, build_spec

__all__ = ["StackSpec", "Stack", "down", "status", "CONDITIONS", "LABEL_STACK"]

LABEL_STACK = "podc.stack"
CONDITIONS = {"started": 0, "healthy": 1, "completed": 2}   # podc_stack_condition
_SERVICE, _JOB = 0, 1                                        # podc_stack_member_kind


class StackSpec:
    """A stack to bring up: its name (the project), network (default "<name>_default"),
    members and their dependencies. Members find each other by member name."""

    def __init__(self, name, network=None, session=None, keep_on_failure=False, progress=None, _handle=None):
        self._g = Guard()
        self._h = _handle or need("podc_stack_spec_new")(enc(name))
        if not self._h:
            raise MemoryError("podc_stack_spec_new")
        try:
            if network is not None:
                setter("network", lib.podc_stack_spec_set_network, self._h, enc(network))
            if session is not None:
                setter("session", lib.podc_stack_spec_set_session, self._h, enc(session))
            if keep_on_failure:
                setter("keep_on_failure", lib.podc_stack_spec_set_keep_on_failure, self._h, 1)
            if progress is not None:
                self.set_progress(progress)
        except BaseException:
            self.close()
            raise

    @classmethod
    def compose(cls, files, project=None, images=None, profiles=None, variables=None, strict=False,
                on_warning=None, session=None, keep_on_failure=False, progress=None):
        """A compose file (or a list of them, merged in order) as a stack spec; nothing is
        sent. images: {service: image} replaces images and builds (offline use); variables:
        {NAME: value} for ${NAME}, above the environment and .env; on_warning(text) gets one
        call per unsupported key (strict: InvalidInput instead). Raises InvalidInput (YAML,
        a wrong value, a cycle, ...; details["field"] is the key path), LocalFileError."""
        o = need("podc_compose_options_new")()
        if not o:
            raise MemoryError("podc_compose_options_new")
        g = Guard()
        try:
            for f in ([files] if isinstance(files, (str, bytes)) or hasattr(files, "__fspath__") else files):
                setter("files", lib.podc_compose_options_add_file, o, enc(f))
            if project is not None:
                setter("project", lib.podc_compose_options_set_project, o, enc(project))
            for p in (profiles or []):
                setter("profiles", lib.podc_compose_options_add_profile, o, enc(p))
            for svc, img in (images or {}).items():
                setter("images", lib.podc_compose_options_set_image, o, enc(svc), enc(img))
            for k, v in (variables or {}).items():
                setter("variables", lib.podc_compose_options_set_variable, o, enc(k), enc(v))
            setter("strict", lib.podc_compose_options_set_strict, o, 1 if strict else 0)
            if on_warning is not None:
                cb = WARNING_CB(lambda text, _ud: on_warning(dec(text)))
                g._refs.append(cb)
                setter("on_warning", lib.podc_compose_options_set_warning_cb, o, cb, None)
            h = c_void_p()
            guarded_call(g, call, lib.podc_compose_load, o, byref(h))
        finally:
            lib.podc_compose_options_free(o)
        return cls(None, session=session, keep_on_failure=keep_on_failure, progress=progress, _handle=h)

    @property
    def name(self):
        return dec(lib.podc_stack_spec_name(self._handle()))

    @property
    def network(self):
        return dec(lib.podc_stack_spec_network(self._handle()))

    def _handle(self):
        if not self._h:
            raise ValueError("stack spec is closed")
        return self._h

    def set_progress(self, fn):
        """fn(line) gets every member's progress lines, one call at a time."""
        setter("progress", lib.podc_stack_spec_set_progress, self._handle(), self._g.progress(fn), None)

    def _add(self, member, kind, depends_on, kw):
        s = build_spec(self._g, name=kw.pop("name", None), **kw)
        setter("member", lib.podc_stack_spec_add_member, self._handle(), enc(member), kind, s)  # takes s
        deps = depends_on or {}
        if not isinstance(deps, dict):  # a list: each must have started
            deps = {d: "started" for d in deps}
        for on, cond in deps.items():
            if cond not in CONDITIONS:
                raise InvalidInput("unknown condition %r for %s (one of %s)" % (cond, on, ", ".join(CONDITIONS)),
                                   code=-5, details={"field": "depends_on"})
            setter("depends_on", lib.podc_stack_spec_add_dependency, self._handle(), enc(member), enc(on),
                   CONDITIONS[cond])
        return self

    def service(self, member, depends_on=None, **kw):
        """A service member: Service.start()'s keywords (name = the container name, default
        "<stack>_<member>"); depends_on: {member: "started"|"healthy"|"completed"} or a list
        (started)."""
        return self._add(member, _SERVICE, depends_on, kw)

    def job(self, member, depends_on=None, **kw):
        """A job member: runs to completion and must exit 0 (timeout_ms: how long it may run)."""
        return self._add(member, _JOB, depends_on, kw)

    def validate(self):
        """Checks names, members, conditions and cycles (InvalidInput); nothing is sent."""
        call(lib.podc_stack_spec_validate, self._handle())

    def up(self, client):
        """Brings the stack up (see the module's text); returns a Stack."""
        h = c_void_p()
        guarded_call(self._g, call, lib.podc_stack_up, client.handle, self._handle(), byref(h))
        return Stack(client, h)

    def close(self):
        h, self._h = self._h, None
        if h:
            lib.podc_stack_spec_free(h)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class Stack:
    """A stack that is up. Attributes: name, network, up_ms, members [{name, kind, container,
    ready_ms}]; service(member) gives a member's Service (ports, URLs). down() or the end of a
    `with` block removes it."""

    def __init__(self, client, handle):
        self._client = client
        self._h = handle
        self.name = dec(lib.podc_stack_name(handle))
        self.network = dec(lib.podc_stack_network(handle))
        self.up_ms = lib.podc_stack_up_ms(handle)
        self.members = []
        self._services = {}
        for i in range(lib.podc_stack_member_count(handle)):
            m = {"name": dec(lib.podc_stack_member_name(handle, i)),
                 "kind": "job" if lib.podc_stack_member_kind_of(handle, i) == _JOB else "service",
                 "container": dec(lib.podc_stack_member_container(handle, i)),
                 "ready_ms": lib.podc_stack_member_ready_ms(handle, i)}
            self.members.append(m)
            svc = lib.podc_stack_member_service(handle, i)
            if svc:  # borrowed from the stack handle, which lives as long as this object
                s = Service.__new__(Service)
                Service.__init__(s, client, svc)
                s.close = lambda: None  # the stack owns it
                self._services[m["name"]] = s
        self._down = False

    def service(self, member):
        """The Service of a service member (KeyError for a job or an unknown name)."""
        return self._services[member]

    def status(self):
        return status(self._client, self.name)

    def down(self, timeout_ms=None, keep_images=False):
        """Removes the stack's containers, network and built images; returns how many."""
        self._down = True
        return down(self._client, self.name, timeout_ms, keep_images)

    def close(self):
        h, self._h = self._h, None
        for s in self._services.values():
            s._h = None
        if h:
            lib.podc_stack_free(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            if not self._down:
                self.down()
        finally:
            self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def down(client, name, timeout_ms=None, keep_images=False):
    """Takes the stack `name` down by its labels (after a crash too); returns how many objects
    were removed. Missing pieces are fine."""
    n = c_size_t()
    call(need("podc_stack_down"), client.handle, enc(name), -1 if timeout_ms is None else int(timeout_ms),
         1 if keep_images else 0, byref(n))
    return n.value


def status(client, name):
    """[{member, container, state, health, exit_code (None while running), ports}] by labels."""
    h = c_void_p()
    call(need("podc_stack_status_get"), client.handle, enc(name), byref(h))
    try:
        out = []
        for i in range(lib.podc_stack_status_count(h)):
            code = lib.podc_stack_status_exit_code(h, i)
            out.append({"member": dec(lib.podc_stack_status_member(h, i)),
                        "container": dec(lib.podc_stack_status_container(h, i)),
                        "state": dec(lib.podc_stack_status_state(h, i)),
                        "health": dec(lib.podc_stack_status_health(h, i)),
                        "exit_code": None if code < 0 else code,
                        "ports": dec(lib.podc_stack_status_ports(h, i))})
        return out
    finally:
        lib.podc_stack_status_free(h)
