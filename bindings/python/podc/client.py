"""Client: a connection to the podman service, with container, image and network calls.

    with podc.Client() as c:
        c.ping()
        print(c.version()["server"])
        for ct in c.containers.list(labels={"app": "web"}):
            print(ct["name"], ct["state"])

The service may be local (a unix socket) or remote: Client(uri="tcp://10.0.0.2:8888"),
Client(uri="ssh://core@host/run/user/1000/podman/podman.sock"), Client(connection="name").

A Client must not be used from two threads at once (Client.cancel() is the exception);
client.like() makes another one on the same service for another thread.
"""

import contextlib
import ctypes
import json
from ctypes import byref, c_int, c_size_t, c_void_p

from . import _lib
from ._callbacks import Guard, guarded_call
from ._lib import (CLIENT_OPTIONS_VERSION, EVENT_CB, ClientOptions, EventsOptions, LogsOptions, argv_array,
                   bytes_at, dec, enc, lib, take_string)
from .errors import Cancelled, InvalidInput, Unsupported, call, check, setter
from .pull import PullOptions, pull_policy as _pull_policy

__all__ = ["Client", "Containers", "Images", "Networks", "STDOUT", "STDERR"]

STDOUT = 1  # PODC_STREAM_STDOUT
STDERR = 2  # PODC_STREAM_STDERR

_REMOVE_FORCE = 1
_REMOVE_IGNORE_MISSING = 2
_IMAGE_REMOVE_FORCE = 1
_CONTAINER_LIST_ALL = 1            # PODC_CONTAINER_LIST_ALL
_NETWORK_REMOVE_FORCE = 1          # PODC_NETWORK_REMOVE_FORCE
_NETWORK_DISCONNECT_FORCE = 1      # PODC_NETWORK_DISCONNECT_FORCE


def _text(b):
    return b.decode("utf-8", "replace")


def _filters(pairs):
    """[(key, value), ...] -> a new podc_filters handle (caller frees), or None when empty."""
    pairs = [p for p in pairs if p[1] is not None]
    if not pairs:
        return None
    f = lib.podc_filters_new()
    if not f:
        raise MemoryError("podc_filters_new")
    try:
        for k, v in pairs:
            setter("filters", lib.podc_filters_add, f, enc(k), enc(v))
    except BaseException:
        lib.podc_filters_free(f)
        raise
    return f


def _label_pairs(labels):
    """labels: dict {k: v} (v None = key only), an iterable of "k=v"/"k" strings, or one str."""
    if not labels:
        return []
    if isinstance(labels, str):
        return [("label", labels)]
    if isinstance(labels, dict):
        return [("label", k if v is None else "%s=%s" % (k, v)) for k, v in labels.items()]
    return [("label", x) for x in labels]


def _ports(count_fn, at_fn, obj):
    out = []
    for i in range(count_fn(obj)):
        p = at_fn(obj, i)
        if p:
            out.append({"container_port": lib.podc_port_container_port(p),
                        "host_port": lib.podc_port_host_port(p),
                        "protocol": dec(lib.podc_port_protocol(p)),
                        "host_ip": dec(lib.podc_port_host_ip(p))})
    return out


class Client:
    """A connection to the podman service (libpod REST API), local or remote.

    uri: "unix:///run/podman/podman.sock" (or a plain path), "tcp://HOST:PORT" (podman's
    `system service tcp://...`) or "ssh://USER@HOST[:PORT][/path/podman.sock]" (the host key
    must be in ~/.ssh/known_hosts; keys from $CONTAINER_SSHKEY or the connection's identity,
    the ssh-agent, ~/.ssh/id_ed25519 or id_rsa). connection: a named podman connection
    (podman-connections.json or containers.conf's [engine.service_destinations.NAME]); not
    with uri. Both None discover the service in podman's order: $CONTAINER_CONNECTION,
    $CONTAINER_HOST (+ $CONTAINER_SSHKEY), the default connection, $DOCKER_HOST, then the
    local sockets ($XDG_RUNTIME_DIR/podman/podman.sock, /run/podman/podman.sock). A service
    named by any of these is used or fails: there is no fallback to another.
    timeout_ms: per-call timeout of ordinary calls (None = the library's 30 s).
    Raises TransportError (nothing answers; details["tried"]), InvalidInput (a URI podc
    cannot serve, details["field"] == "uri"; uri and connection both), NotFound (no such
    named connection), AuthError (ssh: no key was accepted).
    """

    def __init__(self, uri=None, connection=None, timeout_ms=None, connect_timeout_ms=None):
        self._h = None
        opts = ClientOptions()
        version = CLIENT_OPTIONS_VERSION
        if lib.podc_client_options_init(byref(opts), version) < 0:
            if connection is not None:  # a libpodc without named connections
                raise Unsupported("this libpodc has no named connections (client options version %d)"
                                  % version, code=Unsupported.code)
            check(lib.podc_client_options_init(byref(opts), 1), "options")
        self._uri = enc(uri)  # referenced by opts during the call
        self._connection = enc(connection)
        opts.uri = self._uri
        if opts.version >= 2:
            opts.connection = self._connection
        if timeout_ms is not None:
            opts.timeout_ms = int(timeout_ms)
        if connect_timeout_ms is not None:
            opts.connect_timeout_ms = int(connect_timeout_ms)
        h = c_void_p()
        call(lib.podc_client_new, byref(h), byref(opts))
        self._adopt(h)

    def _adopt(self, h):
        self._h = h
        self.containers = Containers(self)
        self.images = Images(self)
        self.networks = Networks(self)

    def like(self):
        """A new, independent Client on the same service (same endpoint, identity and
        timeouts; no discovery again), e.g. for another thread. This client may be in use
        on its own thread meanwhile. Errors as for Client()."""
        h = c_void_p()
        call(_lib.need("podc_client_new_like"), byref(h), self.handle)
        other = Client.__new__(Client)
        other._h = None
        other._uri = other._connection = None
        other._adopt(h)
        return other

    @classmethod
    def new_like(cls, other):
        """Client.new_like(c) is c.like()."""
        return other.like()

    # ---- lifetime --------------------------------------------------------------------
    @property
    def handle(self):
        if not self._h:
            raise ValueError("operation on a closed podc.Client")
        return self._h

    def close(self):
        h, self._h = self._h, None
        if h:
            lib.podc_client_free(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        if not self._h:
            return "Client(closed)"
        return "Client(uri=%r, source=%r)" % (self.uri if _lib.has("podc_client_uri") else self.socket_path,
                                              self.socket_source)

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    # ---- connection ------------------------------------------------------------------
    @property
    def uri(self):
        """The service's URI in canonical form ("unix:///run/podman/podman.sock",
        "tcp://10.0.0.2:8888", "ssh://core@host:22/run/user/1000/podman/podman.sock")."""
        return dec(_lib.need("podc_client_uri")(self.handle))

    @property
    def scheme(self):
        """"unix", "tcp" or "ssh"."""
        return dec(_lib.need("podc_client_scheme")(self.handle))

    @property
    def host(self):
        """Where ports the service's containers publish are reached from here: "127.0.0.1"
        for a local socket, the remote host for tcp:// and ssh://."""
        return dec(_lib.need("podc_client_host")(self.handle))

    @property
    def socket_path(self):
        """The unix socket in use: the local one, or the remote one for ssh (None for tcp)."""
        return dec(lib.podc_client_socket_path(self.handle))

    @property
    def socket_source(self):
        """How the service was chosen: "option", "connection NAME", "CONTAINER_CONNECTION
        NAME", "CONTAINER_HOST", "default connection NAME", "DOCKER_HOST", "XDG_RUNTIME_DIR"
        or "default"."""
        return dec(lib.podc_client_socket_source(self.handle))

    @property
    def server_api_version(self):
        return dec(lib.podc_client_server_api_version(self.handle))

    @property
    def connections_opened(self):
        return lib.podc_client_connections_opened(self.handle) if _lib.has(
            "podc_client_connections_opened") else None

    def set_timeout(self, timeout_ms):
        setter("timeout_ms", lib.podc_client_set_timeout, self.handle, int(timeout_ms or 0))

    def cancel(self):
        """Cancels the call in progress (from another thread): it raises Cancelled, after
        removing what it had created. The cancel lasts until that call returns (its later
        requests, waits and worker threads too). Without a call in progress it does nothing;
        inside `with client.cancel_scope():` it lasts until the block ends."""
        if self._h:
            lib.podc_client_cancel(self._h)

    @contextlib.contextmanager
    def cancel_scope(self):
        """Makes the calls in the block one call for cancel(): a cancel from another thread
        anywhere in it (also before the first call or between two) fails the call in progress
        and every later one in the block with Cancelled."""
        lib.podc_client_scope_begin(self.handle)
        try:
            yield self
        finally:
            if self._h:
                lib.podc_client_scope_end(self._h)

    # ---- system ----------------------------------------------------------------------
    def events(self, callback, filters=None, since=None, until=None, follow=True, timeout_ms=None):
        """Calls callback(event) for podman's events, oldest first; event is a dict {type,
        action, actor_id, name, time_ns, attributes, json}. A callback returning True stops
        the stream (then this returns normally); with follow=False the events since..until are
        delivered and it returns. filters: {key: value or [values]} ("type", "container",
        "event", "label", ...); since/until: "10m", RFC 3339 or unix seconds. Stop a live
        stream from another thread with cancel() (Cancelled)."""
        pairs = []
        for k, v in (filters or {}).items():
            pairs += [(k, x) for x in (v if isinstance(v, (list, tuple)) else [v])]
        f = _filters(pairs)
        o = EventsOptions()
        try:
            check(_lib.need("podc_events_options_init")(byref(o), 1), "options")
            o.filters = f
            keep = [enc(since), enc(until)]  # referenced by o during the call
            o.since, o.until = keep
            o.follow = 1 if follow else 0
            if timeout_ms is not None:
                o.timeout_ms = int(timeout_ms)
            g = Guard()
            stopped = []

            def tramp(ev, _ud):
                if g.exc is not None:
                    return 1
                try:
                    e = {"type": dec(lib.podc_event_type(ev)), "action": dec(lib.podc_event_action(ev)),
                         "actor_id": dec(lib.podc_event_actor_id(ev)), "name": dec(lib.podc_event_name(ev)),
                         "time_ns": lib.podc_event_time_ns(ev), "json": dec(lib.podc_event_json(ev)),
                         "attributes": {dec(lib.podc_event_attribute_key_at(ev, i)): dec(lib.podc_event_attribute_value_at(ev, i))
                                        for i in range(lib.podc_event_attribute_count(ev))}}
                    if callback(e) is True:
                        stopped.append(True)
                        return 1
                    return 0
                except BaseException as exc:  # noqa: B902 - must not reach C
                    return g._fail(exc)
            cb = EVENT_CB(tramp)
            try:
                guarded_call(g, call, lib.podc_events_stream, self.handle, byref(o), cb, None)
            except Cancelled:
                if not stopped:
                    raise
        finally:
            if f:
                lib.podc_filters_free(f)

    def ping(self):
        """True when the service answers; raises TransportError/Timeout otherwise."""
        call(lib.podc_ping, self.handle)
        return True

    def version(self):
        """{"server": "4.3.1", "api": "4.3.1", "min_api": "4.0.0", "os_arch": "linux/amd64",
        "library": <libpodc version>}"""
        v = c_void_p()
        call(lib.podc_version_get, self.handle, byref(v))
        try:
            return {"server": dec(lib.podc_version_server(v)),
                    "api": dec(lib.podc_version_api(v)),
                    "min_api": dec(lib.podc_version_min_api(v)),
                    "os_arch": dec(lib.podc_version_os_arch(v)),
                    "library": dec(lib.podc_library_version())}
        finally:
            lib.podc_version_free(v)

    def info(self):
        """The whole /libpod/info reply as a dict (host, store, version, ...)."""
        i = c_void_p()
        call(lib.podc_info_get, self.handle, byref(i))
        try:
            return json.loads(dec(lib.podc_info_json(i)) or "{}")
        finally:
            lib.podc_info_free(i)


class _Part:
    def __init__(self, client):
        self._client = client

    @property
    def _c(self):
        return self._client.handle


class Containers(_Part):
    """client.containers: list, inspect, exists, create/start/stop/wait/remove, logs, exec."""

    def list(self, labels=None, all=True, name=None, status=None, filters=None):
        """Summaries as dicts: id, name, names, image, state, health, exit_code, ports, labels
        (the labels asked for in `labels`). labels: {"k": "v"} / ["k=v", "k"]; name: podman's
        substring/regex match ("^web$" for one container); filters: extra (key, value) pairs."""
        pairs = _label_pairs(labels)
        if name is not None:
            pairs.append(("name", name))
        if status is not None:
            pairs.append(("status", status))
        pairs.extend(filters.items() if isinstance(filters, dict) else (filters or []))
        label_keys = [v.split("=", 1)[0] for k, v in pairs if k == "label"]
        f = _filters(pairs)
        lst = c_void_p()
        try:
            call(lib.podc_container_list_get, self._c, f, _CONTAINER_LIST_ALL if all else 0, byref(lst))
        finally:
            if f:
                lib.podc_filters_free(f)
        try:
            out = []
            for i in range(lib.podc_container_list_count(lst)):
                s = lib.podc_container_list_at(lst, i)
                out.append({
                    "id": dec(lib.podc_container_summary_id(s)),
                    "name": dec(lib.podc_container_summary_name(s)),
                    "names": [dec(lib.podc_container_summary_name_at(s, j))
                              for j in range(lib.podc_container_summary_name_count(s))],
                    "image": dec(lib.podc_container_summary_image(s)),
                    "state": dec(lib.podc_container_summary_state(s)),
                    "health": dec(lib.podc_container_summary_health(s)),
                    "exit_code": lib.podc_container_summary_exit_code(s),
                    "ports": _ports(lib.podc_container_summary_port_count,
                                    lib.podc_container_summary_port_at, s),
                    "labels": {k: dec(lib.podc_container_summary_label(s, enc(k)))
                               for k in label_keys},
                })
            return out
        finally:
            lib.podc_container_list_free(lst)

    def inspect(self, name):
        """podman's whole inspect reply as a dict (Id, Name, State, Config, NetworkSettings...)."""
        info = c_void_p()
        call(lib.podc_container_inspect, self._c, enc(name), byref(info))
        try:
            return json.loads(dec(lib.podc_container_info_json(info)) or "{}")
        finally:
            lib.podc_container_info_free(info)

    def exists(self, name):
        out = c_int()
        call(lib.podc_container_exists, self._c, enc(name), byref(out))
        return bool(out.value)

    def create(self, image, name=None, command=None, env=None, labels=None, ports=None,
               network=None, workdir=None, user=None, memory_limit=None):
        """Creates (does not start) a container; returns its ID. ports: {container: host}
        (host 0 = a free port); memory_limit in bytes."""
        s = lib.podc_container_spec_new()
        if not s:
            raise MemoryError("podc_container_spec_new")
        try:
            setter("image", lib.podc_container_spec_set_image, s, enc(image))
            if name is not None:
                setter("name", lib.podc_container_spec_set_name, s, enc(name))
            if command is not None:
                arr, n = argv_array(command)
                setter("command", lib.podc_container_spec_set_command, s, arr, n)
            for k, v in (env or {}).items():
                setter("env", lib.podc_container_spec_add_env, s, enc(k), enc(v))
            for k, v in (labels or {}).items():
                setter("labels", lib.podc_container_spec_add_label, s, enc(k), enc(v))
            for cport, hport in (ports or {}).items():
                setter("ports", lib.podc_container_spec_add_port, s, int(cport), int(hport or 0), None, None)
            if network is not None:
                setter("network", lib.podc_container_spec_add_network, s, enc(network), None, 0)
            if workdir is not None:
                setter("workdir", lib.podc_container_spec_set_workdir, s, enc(workdir))
            if user is not None:
                setter("user", lib.podc_container_spec_set_user, s, enc(user))
            if memory_limit is not None:
                setter("memory_limit", _lib.need("podc_container_spec_set_memory_limit"), s, int(memory_limit))
            cid = c_void_p()
            call(lib.podc_container_create, self._c, s, byref(cid))
            return take_string(cid)
        finally:
            lib.podc_container_spec_free(s)

    def start(self, name):
        call(lib.podc_container_start, self._c, enc(name))

    def stop(self, name, timeout_ms=None):
        """SIGKILL after timeout_ms (None = the container's own stop timeout)."""
        call(lib.podc_container_stop, self._c, enc(name), -1 if timeout_ms is None else int(timeout_ms))

    def kill(self, name, signal=None):
        call(lib.podc_container_kill, self._c, enc(name), enc(signal))

    def restart(self, name, timeout_ms=None):
        call(lib.podc_container_restart, self._c, enc(name),
             -1 if timeout_ms is None else int(timeout_ms))

    def wait(self, name, conditions=None, timeout_ms=0):
        """Waits for a condition ("stopped" by default); returns the exit code."""
        conds = [conditions] if isinstance(conditions, str) else list(conditions or [])
        arr, n = argv_array(conds)
        code = c_int()
        call(lib.podc_container_wait, self._c, enc(name), arr if n else None, n, int(timeout_ms or 0),
             byref(code))
        return code.value

    def remove(self, name, force=True, ignore_missing=False):
        flags = (_REMOVE_FORCE if force else 0) | (_REMOVE_IGNORE_MISSING if ignore_missing else 0)
        call(lib.podc_container_remove, self._c, enc(name), flags)

    @staticmethod
    def _logs_options(tail, stdout, stderr, timestamps, since, follow, timeout_ms):
        o = LogsOptions()
        check(lib.podc_logs_options_init(byref(o), 1), "options")
        o.want_stdout = 1 if stdout else 0
        o.want_stderr = 1 if stderr else 0
        o.tail = -1 if tail is None else int(tail)
        if since is not None:
            if isinstance(since, (int, float)) and not isinstance(since, bool):
                o.since = int(since)
            else:
                o.since_text = enc(since)
        o.timestamps = 1 if timestamps else 0
        o.follow = 1 if follow else 0
        o.timeout_ms = int(timeout_ms or 0)
        return o

    def logs(self, name, tail=None, stdout=True, stderr=True, timestamps=False, since=None,
             follow=False, timeout_ms=None, split=False):
        """The container's output as one str (stdout and stderr interleaved), or with
        split=True a (stdout, stderr) pair. tail: last N records; since: unix seconds or
        podman's text ("10m", RFC 3339); follow: until the container stops."""
        o = self._logs_options(tail, stdout, stderr, timestamps, since, follow, timeout_ms)
        lg = c_void_p()
        call(lib.podc_logs_get, self._c, enc(name), byref(o), byref(lg))
        try:
            if split:
                return (_text(bytes_at(lib.podc_logs_stdout(lg), lib.podc_logs_stdout_len(lg))),
                        _text(bytes_at(lib.podc_logs_stderr(lg), lib.podc_logs_stderr_len(lg))))
            return _text(bytes_at(lib.podc_logs_combined(lg), lib.podc_logs_combined_len(lg)))
        finally:
            lib.podc_logs_free(lg)

    def stream_logs(self, name, callback, follow=True, tail=None, stdout=True, stderr=True,
                    timestamps=False, since=None, timeout_ms=None):
        """Calls callback(stream, data: bytes) for each record (stream is STDOUT or STDERR).
        With follow, returns when the container stops. To stop early raise an exception in
        the callback (it is re-raised here) or call client.cancel() from another thread."""
        o = self._logs_options(tail, stdout, stderr, timestamps, since, follow, timeout_ms)
        g = Guard()
        cb = g.output(callback)
        guarded_call(g, call, lib.podc_logs_stream, self._c, enc(name), byref(o), cb, None)

    # ---- copy --------------------------------------------------------------------------
    def copy_in(self, name, path, tar):
        """Extracts a tar archive (bytes, or a binary file object read to its end) into
        directory `path` of the container (created when missing)."""
        data = tar if isinstance(tar, (bytes, bytearray)) else tar.read()
        buf = ctypes.create_string_buffer(bytes(data), len(data))
        call(lib.podc_copy_put_tar, self._c, enc(name), enc(path), buf, len(data))

    def copy_out(self, name, path, fileobj=None):
        """`path` of the container as a tar archive: written to fileobj (binary) as it comes,
        or returned as bytes when fileobj is None."""
        chunks = []
        sink = fileobj.write if fileobj is not None else chunks.append
        g = Guard()
        cb = g.data_bytes(sink)
        guarded_call(g, call, lib.podc_copy_get_tar, self._c, enc(name), enc(path), cb, None)
        return None if fileobj is not None else b"".join(chunks)

    def put_file(self, name, directory, filename, content, mode=0o644):
        """Writes one file directory/filename (str or bytes content) in the container."""
        data = enc(content) if isinstance(content, str) else bytes(content)
        buf = ctypes.create_string_buffer(data, len(data))
        call(lib.podc_copy_put_file, self._c, enc(name), enc(directory), enc(filename), buf, len(data), int(mode))

    def get_file(self, name, path):
        """One regular file of the container, as bytes."""
        out, n = c_void_p(), c_size_t()
        call(lib.podc_copy_get_file, self._c, enc(name), enc(path), byref(out), byref(n))
        try:
            return bytes_at(out.value, n.value)
        finally:
            lib.podc_free(out)

    def exec(self, name, argv, env=None, workdir=None, user=None, timeout_ms=None, tty=False,
             callback=None):
        """Runs argv in the running container: returns (exit_code, stdout, stderr) as str.
        A non-zero exit code is not an error. With callback(stream, data: bytes), output is
        streamed to it instead and stdout/stderr come back empty."""
        if isinstance(argv, str):
            raise InvalidInput("argv must be a list of strings", code=-5, details={"field": "argv"})
        o = lib.podc_exec_options_new()
        if not o:
            raise MemoryError("podc_exec_options_new")
        try:
            for k, v in (env or {}).items():
                call(lib.podc_exec_options_add_env, o, enc(k), enc(v))
            if workdir is not None:
                call(lib.podc_exec_options_set_workdir, o, enc(workdir))
            if user is not None:
                call(lib.podc_exec_options_set_user, o, enc(user))
            if timeout_ms:
                setter("timeout_ms", lib.podc_exec_options_set_timeout, o, int(timeout_ms))
            if tty:
                lib.podc_exec_options_set_tty(o, 1, None)
            arr, _n = argv_array(argv, null_terminated=True)
            if callback is not None:
                g = Guard()
                cb = g.output(callback)
                code = c_int()
                guarded_call(g, call, lib.podc_exec_stream, self._c, enc(name), arr, o, cb, None,
                             byref(code))
                return code.value, "", ""
            r = c_void_p()
            call(lib.podc_exec_run, self._c, enc(name), arr, o, byref(r))
            try:
                return (lib.podc_exec_result_exit_code(r),
                        _text(bytes_at(lib.podc_exec_result_stdout(r), lib.podc_exec_result_stdout_len(r))),
                        _text(bytes_at(lib.podc_exec_result_stderr(r), lib.podc_exec_result_stderr_len(r))))
            finally:
                lib.podc_exec_result_free(r)
        finally:
            lib.podc_exec_options_free(o)


class Images(_Part):
    """client.images: exists, inspect, digest, list, tag, remove, build, pull, push."""

    def list(self, labels=None, reference=None):
        """Images as [{id, tags, size, created (unix s), labels}], sorted by id. labels: every
        key must match ({"k": None} = the key with any value); reference: "localhost/app",
        "app:1", "localhost/app*"."""
        f = _filters(_label_pairs(labels) + [("reference", reference)])
        lst = c_void_p()
        try:
            call(lib.podc_image_list_get, self._c, f, byref(lst))
        finally:
            if f:
                lib.podc_filters_free(f)
        try:
            out = []
            for i in range(lib.podc_image_list_count(lst)):
                img = lib.podc_image_list_at(lst, i)
                out.append({"id": dec(lib.podc_image_id(img)),
                            "tags": [dec(lib.podc_image_tag_at(img, j)) for j in range(lib.podc_image_tag_count(img))],
                            "size": lib.podc_image_size(img),
                            "created": lib.podc_image_created_unix(img),
                            "labels": {dec(lib.podc_image_label_key_at(img, j)): dec(lib.podc_image_label_value_at(img, j))
                                       for j in range(lib.podc_image_label_count(img))}})
            return sorted(out, key=lambda x: x["id"])
        finally:
            lib.podc_image_list_free(lst)

    def exists(self, ref):
        out = c_int()
        call(lib.podc_image_exists, self._c, enc(ref), byref(out))
        return bool(out.value)

    def inspect(self, ref):
        img = c_void_p()
        call(lib.podc_image_inspect, self._c, enc(ref), byref(img))
        try:
            return json.loads(dec(lib.podc_image_json(img)) or "{}")
        finally:
            lib.podc_image_free(img)

    def digest(self, ref):
        """The image's manifest digest ("sha256:...") when it was pulled, else None."""
        img = c_void_p()
        call(lib.podc_image_inspect, self._c, enc(ref), byref(img))
        try:
            return dec(_lib.need("podc_image_digest")(img))
        finally:
            lib.podc_image_free(img)

    def tag(self, ref, repo, tag=None):
        call(lib.podc_image_tag, self._c, enc(ref), enc(repo), enc(tag))

    def remove(self, ref, force=False):
        call(lib.podc_image_remove, self._c, enc(ref), _IMAGE_REMOVE_FORCE if force else 0)

    def build(self, context_dir, tag=None, containerfile=None, build_args=None, labels=None,
              progress=None, target=None, no_cache=False, pull_never=False, timeout_ms=None,
              pull_policy=None):
        """Builds an image from context_dir; returns its ID (64 hex). tag: a str or a list.
        progress(line: str) receives each output line. pull_policy: when base images are
        pulled ("missing" (default), "always", "newer", "never"; pull_never=True is "never").
        A failing build raises BuildFailed (message: podman's error, log_tail: the failing
        step's output)."""
        if pull_policy is not None:
            policy = _pull_policy(pull_policy)
            if pull_never and policy != 3:
                raise InvalidInput("pull_policy: contradicts pull_never=True", code=-5,
                                   details={"field": "pull_policy"})
        o = lib.podc_image_build_options_new()
        if not o:
            raise MemoryError("podc_image_build_options_new")
        g = Guard()
        try:
            tags = [tag] if isinstance(tag, str) else list(tag or [])
            for t in tags:
                setter("tag", lib.podc_image_build_options_add_tag, o, enc(t))
            if containerfile is not None:
                setter("containerfile", lib.podc_image_build_options_set_containerfile, o, enc(containerfile))
            for k, v in (build_args or {}).items():
                setter("build_args", lib.podc_image_build_options_add_build_arg, o, enc(k), enc(v))
            for k, v in (labels or {}).items():
                setter("labels", lib.podc_image_build_options_add_label, o, enc(k), enc(v))
            if target is not None:
                setter("target", lib.podc_image_build_options_set_target, o, enc(target))
            if no_cache:
                setter("no_cache", lib.podc_image_build_options_set_no_cache, o, 1)
            if pull_never:
                setter("pull_never", lib.podc_image_build_options_set_pull_never, o, 1)
            if pull_policy is not None:
                setter("pull_policy", _lib.need("podc_image_build_options_set_pull_policy"), o, policy)
            if timeout_ms:
                setter("timeout_ms", lib.podc_image_build_options_set_timeout, o, int(timeout_ms))
            if progress is not None:
                setter("progress", lib.podc_image_build_options_set_progress, o, g.data_lines(progress), None)
            out = c_void_p()
            guarded_call(g, call, lib.podc_image_build, self._c, enc(context_dir), o, byref(out))
            return take_string(out)
        finally:
            lib.podc_image_build_options_free(o)
            del g  # the callback may be dropped only after the options are freed

    def _transfer(self, fn, ref, destination, opts, progress, push):
        g = Guard()
        cb = g.data_lines(progress, stoppable=True) if progress is not None else None
        o = opts._handle(cb, push=push)
        try:
            out = c_void_p()
            if push:
                guarded_call(g, call, fn, self._c, enc(ref), enc(destination), o, byref(out))
            else:
                guarded_call(g, call, fn, self._c, enc(ref), o, byref(out))
            return take_string(out)
        finally:
            lib.podc_image_pull_options_free(o)
            del cb, g  # the callback may be dropped only after the options are freed

    def pull(self, ref, policy="missing", tls_verify=True, credentials=None, identity_token=None,
             authfile=None, platform=None, retries=3, backoff_ms=1000, quiet=False, progress=None,
             timeout_ms=None):
        """Pulls ref ("docker.io/library/redis:7-alpine", "redis:7-alpine" (resolved by the
        service's registries.conf), "127.0.0.1:5000/app@sha256:...") and returns the image ID
        (64 hex). With policy "missing" an image already present is not fetched.

        tls_verify=False for a plain-HTTP registry; credentials: (user, password);
        identity_token, authfile, platform ("linux/arm64[/v8]"), retries (attempts in all for
        transient failures), backoff_ms, quiet, timeout_ms (per try): see PullOptions.
        progress(line: str) receives podman's progress lines ("Copying blob ...") and podc's
        "retrying in ..." lines; returning True stops the pull (Cancelled).
        Raises AuthError (wrong or missing credentials; details["registry"]), NotFound (no such
        repository or tag; policy "never" and no local image), TransportError (registry
        unreachable after every try), InvalidInput (bad reference, TLS mismatch, bad option),
        Unsupported (a credential helper in the auth file), Cancelled, Timeout.
        """
        opts = PullOptions(policy=policy, tls_verify=tls_verify, credentials=credentials,
                           identity_token=identity_token, authfile=authfile, platform=platform,
                           retries=retries, backoff_ms=backoff_ms, quiet=quiet, timeout_ms=timeout_ms)
        return self._transfer(_lib.need("podc_image_pull"), ref, None, opts, progress, push=False)

    def push(self, ref, destination=None, tls_verify=True, credentials=None, identity_token=None,
             authfile=None, retries=3, backoff_ms=1000, quiet=False, progress=None, timeout_ms=None):
        """Pushes the local image ref to destination (a full reference such as
        "127.0.0.1:5000/team/app:1"; None = ref itself). Returns the manifest digest the
        registry stored ("sha256:...") when podman reports it, else None. Keywords and errors
        as for pull(), plus NotFound for a missing local image."""
        opts = PullOptions(tls_verify=tls_verify, credentials=credentials, identity_token=identity_token,
                           authfile=authfile, retries=retries, backoff_ms=backoff_ms, quiet=quiet,
                           timeout_ms=timeout_ms)
        return self._transfer(_lib.need("podc_image_push"), ref, destination, opts, progress, push=True)


class Networks(_Part):
    """client.networks: ensure (create if missing), exists, inspect, remove, connect, disconnect."""

    def ensure(self, name, labels=None, internal=False, dns=True, driver=None, subnet=None,
               gateway=None):
        """Creates the network unless it exists; returns True when this call created it."""
        o = lib.podc_network_options_new()
        if not o:
            raise MemoryError("podc_network_options_new")
        try:
            if internal:
                setter("internal", lib.podc_network_options_set_internal, o, 1)
            if not dns:
                setter("dns", lib.podc_network_options_set_dns_enabled, o, 0)
            if driver is not None:
                setter("driver", lib.podc_network_options_set_driver, o, enc(driver))
            for k, v in (labels or {}).items():
                setter("labels", lib.podc_network_options_add_label, o, enc(k), enc(v))
            if subnet is not None:
                setter("subnet", lib.podc_network_options_add_subnet, o, enc(subnet), enc(gateway))
            created = c_int()
            call(lib.podc_network_ensure, self._c, enc(name), o, byref(created))
            return bool(created.value)
        finally:
            lib.podc_network_options_free(o)

    def exists(self, name):
        out = c_int()
        call(lib.podc_network_exists, self._c, enc(name), byref(out))
        return bool(out.value)

    def inspect(self, name):
        n = c_void_p()
        call(lib.podc_network_inspect, self._c, enc(name), byref(n))
        try:
            return json.loads(dec(lib.podc_network_json(n)) or "{}")
        finally:
            lib.podc_network_free(n)

    def remove(self, name, force=False):
        """force=True also removes every container attached to it."""
        call(lib.podc_network_remove, self._c, enc(name), _NETWORK_REMOVE_FORCE if force else 0)

    def connect(self, network, container, aliases=None):
        arr, n = argv_array(aliases or [])
        call(lib.podc_network_connect, self._c, enc(network), enc(container), arr if n else None, n)

    def disconnect(self, network, container, force=False):
        call(lib.podc_network_disconnect, self._c, enc(network), enc(container),
             _NETWORK_DISCONNECT_FORCE if force else 0)
