"""The DataStorage test stack (PostgreSQL + Redis + DataStorage) in one call.

    from podc import Client
    from podc.datastorage import DataStorageStack

    with Client() as c, DataStorageStack.up(c, "gateway", ports={"postgres": 0, "redis": 0,
            "api": 0, "metrics": 0, "health": 0}, migrations_dir="migrations") as st:
        print(st.api_url, st.postgres_dsn_masked)

Names: network {service}_test_network, containers {service}_postgres_test,
{service}_redis_test, {service}_datastorage_test; all labelled podc.ds.stack={service}.
"""

from ctypes import byref, c_void_p

from ._callbacks import Guard, guarded_call
from ._lib import dec, enc, has, lib, need
from .errors import InvalidInput, call, setter
from .pull import PullOptions

__all__ = ["DataStorageStack", "down", "presets", "COMPONENTS", "PORTS", "LABEL_STACK"]

LABEL_STACK = "podc.ds.stack"
COMPONENTS = {"postgres": 0, "redis": 1, "datastorage": 2}              # podc_ds_component
PORTS = {"postgres": 0, "redis": 1, "api": 2, "metrics": 3, "health": 4}  # podc_ds_port


def presets():
    """Names of the kubernaut suites with predefined ports ("gateway", ...)."""
    return [dec(lib.podc_ds_preset_name_at(i)) for i in range(lib.podc_ds_preset_count())]


def _key(table, what, key):
    try:
        return table[key]
    except KeyError:
        raise InvalidInput("unknown %s %r (one of %s)" % (what, key, ", ".join(table)), code=-5,
                           details={"field": what}) from None


class DataStorageStack:
    """A running stack. Attributes: service, network, containers {component: name or None},
    ports {name: host port}, host, postgres_dsn, postgres_dsn_masked, redis_addr (None without
    Redis), api_url, health_url, metrics_url, up_ms. Use down() or a `with` block to remove it.
    The endpoints come from libpodc, on the client's host (host == client.host: "127.0.0.1" on
    a local podman, the remote host on tcp:// and ssh://)."""

    def __init__(self, client, handle, preserve_image=False):
        self._client = client
        self._preserve_image = preserve_image
        self.service = dec(lib.podc_ds_stack_service(handle))
        self.network = dec(lib.podc_ds_stack_network(handle))
        self.containers = {k: dec(lib.podc_ds_stack_container(handle, v)) for k, v in COMPONENTS.items()}
        self.ports = {k: lib.podc_ds_stack_port(handle, v) for k, v in PORTS.items()}
        self.postgres_dsn = dec(lib.podc_ds_stack_postgres_dsn(handle))
        self.postgres_dsn_masked = dec(lib.podc_ds_stack_postgres_dsn_masked(handle))
        self.redis_addr = dec(lib.podc_ds_stack_redis_addr(handle))
        self.api_url = dec(lib.podc_ds_stack_api_url(handle))
        self.health_url = dec(lib.podc_ds_stack_health_url(handle))
        self.metrics_url = dec(lib.podc_ds_stack_metrics_url(handle))
        self.up_ms = lib.podc_ds_stack_up_ms(handle)
        self.reused = bool(lib.podc_ds_stack_reused(handle))
        self.host = client.host if has("podc_client_host") else "127.0.0.1"
        self._down = False

    @classmethod
    def up(cls, client, service, preset=None, ports=None, migrations_dir=None, config_dir=None,
           images=None, env=None, skip_redis=False, timeout_ms=None, progress=None, session=None,
           postgres_credentials=None, build=None, preserve_image=False, pull=None, reuse=False,
           durable_postgres=False):
        """Brings the stack up and waits until DataStorage is ready.

        preset: a kubernaut suite's ports; ports: {"postgres"|"redis"|"api"|"metrics"|"health":
        host port} (0 = a free port); images: {"postgres"|"redis"|"datastorage": ref};
        env: extra DataStorage environment; postgres_credentials: (user, password, database);
        build: (context_dir, containerfile, always) for the DataStorage image;
        progress(line) receives one line per step (possibly from library threads);
        pull: how the images the stack does not build are fetched (a PullOptions, a dict of its
        keywords or a policy name; default policy "missing"): before anything is created,
        absent ones are pulled side by side, so a failed pull (AuthError, NotFound, ...) leaves
        nothing behind. "localhost/" images (the defaults) are never pulled.
        reuse: a healthy running stack of the same definition is reset instead of replaced (the
        database as right after the migrations, Redis flushed; see podc_ds_config_set_reuse);
        stack.reused says which happened. durable_postgres: keep Postgres's fsync and an
        ordinary data dir (default: the fast test settings and a tmpfs).
        Raises Conflict (a fixed port in use: details "port", "component"), MigrationFailed
        (details "file", "statement"), HealthCheckFailed (log_tail), InvalidInput, ...
        On failure nothing the call created is left behind.
        """
        pull = PullOptions.of(pull)
        cfg = lib.podc_ds_config_new(enc(service))
        if not cfg:
            raise MemoryError("podc_ds_config_new")
        g = Guard()
        try:
            if preset is not None:
                setter("preset", lib.podc_ds_config_set_preset, cfg, enc(preset))
            for k, p in (ports or {}).items():
                setter("ports", lib.podc_ds_config_set_port, cfg, _key(PORTS, "ports", k), int(p or 0))
            if migrations_dir is not None:
                setter("migrations_dir", lib.podc_ds_config_set_migrations_dir, cfg, enc(migrations_dir))
            if config_dir is not None:
                setter("config_dir", lib.podc_ds_config_set_config_dir, cfg, enc(config_dir))
            if postgres_credentials is not None:
                user, password, db = postgres_credentials
                setter("postgres_credentials", lib.podc_ds_config_set_postgres_credentials, cfg, enc(user),
                       enc(password), enc(db))
            for k, ref in (images or {}).items():
                setter("images", lib.podc_ds_config_set_image, cfg, _key(COMPONENTS, "images", k), enc(ref))
            if build is not None:
                ctx, cf, always = (tuple(build) + (None, False))[:3]
                setter("build", lib.podc_ds_config_set_build, cfg, enc(ctx), enc(cf), 1 if always else 0)
            if pull is not None:
                po = pull._handle()
                try:  # the config keeps a copy
                    setter("pull", need("podc_ds_config_set_pull_options"), cfg, po)
                finally:
                    lib.podc_image_pull_options_free(po)
            if preserve_image:
                setter("preserve_image", lib.podc_ds_config_set_preserve_image, cfg, 1)
            for k, v in (env or {}).items():
                setter("env", lib.podc_ds_config_add_env, cfg, enc(k), enc(v))
            if skip_redis:
                setter("skip_redis", lib.podc_ds_config_set_skip_redis, cfg, 1)
            if reuse:
                setter("reuse", lib.podc_ds_config_set_reuse, cfg, 1)
            if durable_postgres:
                setter("durable_postgres", lib.podc_ds_config_set_postgres_durable, cfg, 1)
            if timeout_ms is not None:
                setter("timeout_ms", lib.podc_ds_config_set_timeout, cfg, int(timeout_ms))
            if session is not None:
                setter("session", lib.podc_ds_config_set_session, cfg, enc(session))
            if progress is not None:
                setter("progress", lib.podc_ds_config_set_progress, cfg, g.progress(progress), None)
            h = c_void_p()
            guarded_call(g, call, lib.podc_ds_up, client.handle, cfg, byref(h))
        finally:
            lib.podc_ds_config_free(cfg)
        try:
            return cls(client, h, preserve_image)
        finally:
            lib.podc_ds_stack_free(h)  # everything was copied; freeing does not stop the stack

    def down(self):
        """Stops and removes the stack (containers, network, an image it built)."""
        down(self._client, self.service, self._preserve_image)
        self._down = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self._down:
            self.down()
        return False

    def __repr__(self):
        return "DataStorageStack(service=%r, api_url=%r)" % (self.service, self.api_url)


def down(client, service, preserve_image=False):
    """Takes the stack named `service` down; missing pieces are not errors."""
    call(lib.podc_ds_down, client.handle, enc(service), 1 if preserve_image else 0)
