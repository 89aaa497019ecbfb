"""Declarative services: a spec becomes a started container that passed its health checks.

    from podc import Client
    from podc.service import Service, HttpCheck

    with Client() as c:
        web = Service.start(c, name="web", image="localhost/podc-httpsvc:test",
                            ports={8080: 0}, checks=[HttpCheck(8080, "/healthz")])
        try:
            print(web.url(8080, "/healthz"))
        finally:
            web.stop()

A container that exits while starting raises HealthCheckFailed with .exit_code and .log_tail.
Everything a start creates carries podc.session=<session>; cleanup(client, session) removes it.
"""

from ctypes import byref, c_size_t, c_void_p

from ._callbacks import Guard, guarded_call
from ._lib import argv_array, dec, enc, has, lib, need, take_string
from .errors import NotFound, call, check, setter
from .pull import PullOptions

__all__ = ["Service", "HttpCheck", "TcpCheck", "ExecCheck", "LogCheck", "PodmanCheck", "Build",
           "build_spec", "cleanup", "cleanup_label", "default_session"]


class HttpCheck:
    """GET http://<service host>:<host port of `port`><path> answers `status` (and contains
    `body`). The host is 127.0.0.1 on a local podman, the remote host on tcp:// and ssh://."""

    def __init__(self, port, path="/", status=200, body=None, timeout_ms=None):
        self.port, self.path, self.status, self.body, self.timeout_ms = port, path, status, body, timeout_ms

    def _add(self, s):
        setter("checks", lib.podc_service_spec_add_check_http, s, int(self.port), enc(self.path),
               int(self.status or 0), enc(self.body), int(self.timeout_ms or 0))


class TcpCheck:
    """A TCP connect to the host port published for `port` (on the service host) succeeds;
    with send and expect, send is written and the reply must contain expect (within
    timeout_ms, default 1000): TcpCheck(6379, "PING\\r\\n", "+PONG") for Redis."""

    def __init__(self, port, send=None, expect=None, timeout_ms=None):
        self.port, self.send, self.expect, self.timeout_ms = port, send, expect, timeout_ms

    def _add(self, s):
        if self.send is not None or self.expect is not None:
            setter("checks", need("podc_service_spec_add_check_tcp_exchange"), s, int(self.port), enc(self.send),
                   enc(self.expect), int(self.timeout_ms or 0))
        else:
            setter("checks", lib.podc_service_spec_add_check_tcp, s, int(self.port))


class ExecCheck:
    """argv run in the container exits 0 (and its stdout contains `contains`)."""

    def __init__(self, argv, contains=None, timeout_ms=None):
        self.argv, self.contains, self.timeout_ms = list(argv), contains, timeout_ms

    def _add(self, s):
        arr, n = argv_array(self.argv)
        setter("checks", lib.podc_service_spec_add_check_exec, s, arr, n, enc(self.contains), int(self.timeout_ms or 0))


class LogCheck:
    """A line of output matches the POSIX extended regex at least `times` times."""

    def __init__(self, regex, times=1):
        self.regex, self.times = regex, times

    def _add(self, s):
        setter("checks", lib.podc_service_spec_add_check_log, s, enc(self.regex), int(self.times))


class PodmanCheck:
    """Podman's own health check: `cmd` (run by /bin/sh -c), or None for the image's."""

    def __init__(self, cmd=None):
        self.cmd = cmd

    def _add(self, s):
        setter("checks", lib.podc_service_spec_add_check_podman, s, enc(self.cmd))


class Build:
    """Build the service's image from a context (when missing, or always)."""

    def __init__(self, context_dir, containerfile=None, always=False, build_args=None):
        self.context_dir, self.containerfile = context_dir, containerfile
        self.always, self.build_args = always, dict(build_args or {})


def default_session():
    """This process's default session id (random, made once)."""
    return dec(lib.podc_service_default_session())


class Service:
    """A started service. Attributes: name, id, network, ip, session, startup_ms, host (where
    its published ports are reached from here: "127.0.0.1" on a local podman, the remote host
    on tcp:// and ssh://; see url()).
    The container keeps running until stop() (or the end of a `with` block)."""

    def __init__(self, client, handle):
        self._client = client
        self._h = handle
        self.name = dec(lib.podc_service_name(handle))
        self.id = dec(lib.podc_service_id(handle))
        self.network = dec(lib.podc_service_network(handle))
        self.ip = dec(lib.podc_service_ip(handle))
        self.session = dec(lib.podc_service_session(handle))
        self.startup_ms = lib.podc_service_startup_ms(handle)
        self.host = dec(lib.podc_service_host(handle)) if has("podc_service_host") else "127.0.0.1"

    @classmethod
    def start(cls, client, name, image, ports=None, env=None, network=None, aliases=None,
              command=None, labels=None, checks=None, depends_on=None, timeout_ms=None,
              session=None, progress=None, build=None, volumes=None, binds=None, hosts=None,
              keep_on_failure=False, poll_interval_ms=None, memory_limit=None, pull=None,
              entrypoint=None, workdir=None, user=None, tmpfs=None, ulimits=None):
        """Starts the service and waits until every check passed.

        ports: {container_port: host_port} (host 0 = a free port, see host_port());
        env, labels: dicts; command: argv list; checks: HttpCheck/TcpCheck/ExecCheck/LogCheck/
        PodmanCheck objects; depends_on: names of services that must be healthy first;
        timeout_ms: startup timeout (default 60 s); progress(line) gets one line per step;
        build: a Build; volumes: {name_or_None: destination}; binds: {abs_source: destination};
        hosts: {hostname: ip}; poll_interval_ms: (initial, max); memory_limit: bytes (an
        OOM-killed container raises HealthCheckFailed with details["oom_killed"]);
        pull: how the image is fetched when the service does not build it: a PullOptions, a
        dict of its keywords ({"policy": "always", "credentials": (user, password),
        "tls_verify": False, ...}) or a policy name; default policy "missing" (an absent image
        is pulled before anything is created). Its lines reach progress as "pulling REF: ...".
        A "localhost/" image is never pulled. entrypoint: argv list ([] clears the image's);
        workdir, user: the process's. tmpfs: {destination: [options]}; ulimits: {"nofile":
        n or (soft, hard), "nproc": ...} (both or neither: see podc_container_spec_add_rlimit).
        Raises InvalidInput (nothing sent), HealthCheckFailed (exited / not healthy in time:
        .exit_code, .log_tail), BuildFailed, Conflict, NotFound, AuthError (the pull), ...
        """
        g = Guard()
        s = build_spec(g, name=name, image=image, ports=ports, env=env, network=network, aliases=aliases,
                       command=command, labels=labels, checks=checks, depends_on=depends_on,
                       timeout_ms=timeout_ms, session=session, progress=progress, build=build,
                       volumes=volumes, binds=binds, hosts=hosts, keep_on_failure=keep_on_failure,
                       poll_interval_ms=poll_interval_ms, memory_limit=memory_limit, pull=pull,
                       entrypoint=entrypoint, workdir=workdir, user=user, tmpfs=tmpfs, ulimits=ulimits)
        try:
            h = c_void_p()
            guarded_call(g, call, lib.podc_service_start, client.handle, s, byref(h))
        finally:
            lib.podc_service_spec_free(s)
        return cls(client, h)

    # ---- accessors ---------------------------------------------------------------------
    def _handle(self):
        if not self._h:
            raise ValueError("service handle is closed")
        return self._h

    def host_port(self, container_port):
        """Host port published for container_port (tcp), or None."""
        p = lib.podc_service_host_port(self._handle(), int(container_port))
        return None if p < 0 else p

    def url(self, container_port, path=None):
        """"http://<host>:<host port><path>" (built by libpodc on the service's host); NotFound
        when the port is not published."""
        out = c_void_p()
        rc = lib.podc_service_url(self._handle(), int(container_port), enc(path), byref(out))
        if rc < 0:
            if rc == NotFound.code:
                raise NotFound("port %s is not published by %s" % (container_port, self.name),
                               code=rc, details={"port": str(container_port)})
            check(rc, "url")
        return take_string(out)

    # ---- stop --------------------------------------------------------------------------
    def stop(self, timeout_ms=None, client=None):
        """Stops and removes the container (SIGKILL after timeout_ms, default 2 s); a container
        already gone is fine. Networks stay (see cleanup())."""
        c = client or self._client
        call(lib.podc_service_stop, c.handle, self._handle(), -1 if timeout_ms is None else int(timeout_ms))

    def close(self):
        """Frees the handle only (the container keeps running)."""
        h, self._h = self._h, None
        if h:
            lib.podc_service_free(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            if self._h:
                self.stop()
        finally:
            self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        return "Service(name=%r, id=%r)" % (self.name, (self.id or "")[:12])


def build_spec(g, name, image, ports=None, env=None, network=None, aliases=None, command=None, labels=None,
               checks=None, depends_on=None, timeout_ms=None, session=None, progress=None, build=None,
               volumes=None, binds=None, hosts=None, keep_on_failure=False, poll_interval_ms=None,
               memory_limit=None, pull=None, entrypoint=None, workdir=None, user=None, tmpfs=None,
               ulimits=None):
    """A new podc_service_spec from Service.start()'s keywords (the caller frees it, or hands
    it to a stack); g keeps the progress callback alive. name None: the stack names it."""
    pull = PullOptions.of(pull)
    s = lib.podc_service_spec_new()
    if not s:
        raise MemoryError("podc_service_spec_new")
    ok = False
    try:
        if name is not None:
            setter("name", lib.podc_service_spec_set_name, s, enc(name))
        setter("image", lib.podc_service_spec_set_image, s, enc(image))
        if build is not None:
            setter("build", lib.podc_service_spec_set_build, s, enc(build.context_dir), enc(build.containerfile),
                   1 if build.always else 0)
            for k, v in build.build_args.items():
                setter("build_args", lib.podc_service_spec_add_build_arg, s, enc(k), enc(v))
        if pull is not None:
            po = pull._handle()
            try:  # the spec keeps a copy
                setter("pull", need("podc_service_spec_set_pull_options"), s, po)
            finally:
                lib.podc_image_pull_options_free(po)
        for cport, hport in (ports or {}).items():
            setter("ports", lib.podc_service_spec_add_port, s, int(cport), int(hport or 0))
        for k, v in (env or {}).items():
            setter("env", lib.podc_service_spec_add_env, s, enc(k), enc(v))
        if network is not None:
            setter("network", lib.podc_service_spec_set_network, s, enc(network))
        for a in (aliases or []):
            setter("aliases", lib.podc_service_spec_add_network_alias, s, enc(a))
        for vname, dest in (volumes or {}).items():
            setter("volumes", lib.podc_service_spec_add_volume, s, enc(vname), enc(dest), None, 0)
        for src, dest in (binds or {}).items():
            setter("binds", lib.podc_service_spec_add_bind_mount, s, enc(src), enc(dest), None, 0)
        for k, v in (labels or {}).items():
            setter("labels", lib.podc_service_spec_add_label, s, enc(k), enc(v))
        if command is not None:
            if isinstance(command, str):
                command = ["/bin/sh", "-c", command]
            arr, n = argv_array(command)
            setter("command", lib.podc_service_spec_set_command, s, arr, n)
        if entrypoint is not None:
            arr, n = argv_array(entrypoint)
            setter("entrypoint", need("podc_service_spec_set_entrypoint"), s, arr, n)
        if workdir is not None:
            setter("workdir", need("podc_service_spec_set_workdir"), s, enc(workdir))
        if user is not None:
            setter("user", need("podc_service_spec_set_user"), s, enc(user))
        for dest, opts in (tmpfs or {}).items():
            arr, n = argv_array(list(opts or []))
            setter("tmpfs", need("podc_service_spec_add_tmpfs"), s, enc(dest), arr, n)
        if ulimits:
            cs = need("podc_service_spec_container")(s)
            for kind, lim in ulimits.items():
                soft, hard = (lim, lim) if isinstance(lim, int) else lim
                setter("ulimits", need("podc_container_spec_add_rlimit"), cs, enc(kind), int(soft), int(hard))
        for h, ip in (hosts or {}).items():
            setter("hosts", lib.podc_service_spec_add_host, s, enc(h), enc(ip))
        for d in (depends_on or []):
            setter("depends_on", lib.podc_service_spec_add_depends_on, s, enc(getattr(d, "name", d)))
        if timeout_ms is not None:
            setter("timeout_ms", lib.podc_service_spec_set_startup_timeout, s, int(timeout_ms))
        if poll_interval_ms is not None:
            lo, hi = poll_interval_ms
            setter("poll_interval_ms", lib.podc_service_spec_set_poll_interval, s, int(lo), int(hi))
        if memory_limit is not None:
            setter("memory_limit", need("podc_service_spec_set_memory_limit"), s, int(memory_limit))
        if keep_on_failure:
            setter("keep_on_failure", lib.podc_service_spec_set_keep_on_failure, s, 1)
        if session is not None:
            setter("session", lib.podc_service_spec_set_session, s, enc(session))
        if progress is not None:
            setter("progress", lib.podc_service_spec_set_progress, s, g.progress(progress), None)
        for c in (checks or []):
            c._add(s)
        ok = True
        return s
    finally:
        if not ok:
            lib.podc_service_spec_free(s)


def cleanup(client, session=None):
    """Removes every container, network and image labelled podc.session=<session> (None =
    this process's default session). Returns how many objects were removed."""
    n = c_size_t()
    call(lib.podc_service_cleanup, client.handle, enc(session), byref(n))
    return n.value


def cleanup_label(client, label):
    """Same as cleanup() for any label filter ("key=value" or "key")."""
    n = c_size_t()
    call(lib.podc_service_cleanup_label, client.handle, enc(label), byref(n))
    return n.value
