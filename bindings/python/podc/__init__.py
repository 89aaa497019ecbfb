"""Python bindings for libpodc (ctypes; no compilation, never runs a process).

    import podc
    with podc.Client() as c:
        c.ping()
        try:
            c.containers.inspect("nope")
        except podc.NotFound as e:
            print(e.category, e.http_status, e.cause)

Modules: podc.client (Client, containers/images/networks), podc.service (Service and
checks), podc.datastorage (DataStorageStack), podc.pull (PullOptions: registry settings),
podc.errors (exceptions).
"""

from ._lib import dec as _dec, lib as _cdll, library_path
from .client import STDERR, STDOUT, Client
from .datastorage import DataStorageStack
from .errors import (AuthError, BuildFailed, Cancelled, Conflict, HealthCheckFailed, InvalidInput,
                     LocalFileError, MigrationFailed, NotFound, OutOfMemory, PodcError, ProtocolError,
                     ServerError, Timeout, TransportError, Unsupported)
from .pull import POLICIES as PULL_POLICIES, PullOptions
from .service import (Build, ExecCheck, HttpCheck, LogCheck, PodmanCheck, Service, TcpCheck,
                      cleanup, default_session)

__version__ = "0.1.0"


def library_version():
    """Version of the loaded libpodc."""
    return _dec(_cdll.podc_library_version())


__all__ = ["Client", "Service", "DataStorageStack", "HttpCheck", "TcpCheck", "ExecCheck",
           "LogCheck", "PodmanCheck", "Build", "cleanup", "default_session", "library_version",
           "library_path", "STDOUT", "STDERR", "PodcError", "TransportError", "Timeout",
           "NotFound", "Conflict", "InvalidInput", "ServerError", "ProtocolError",
           "HealthCheckFailed", "Cancelled", "OutOfMemory", "BuildFailed", "Unsupported",
           "MigrationFailed", "AuthError", "LocalFileError", "PullOptions", "PULL_POLICIES"]
