"""Python callables behind C callbacks.

The ctypes function object must stay referenced for as long as C may call it: a Guard keeps
it (callers hold the Guard until the C call returned and the builder that stored the pointer
is freed). An exception inside the Python callable must never unwind through C: it is caught,
remembered, the callback returns 1 (stop, so the call ends with PODC_ECANCELLED) and the
exception is re-raised once the C call has returned. Callbacks may run on library threads
(DataStorage starts components side by side); ctypes takes the GIL for them.
"""

import threading

from ._lib import DATA_CB, OUTPUT_CB, PROGRESS_CB, bytes_at, dec


class Guard:
    def __init__(self):
        self.exc = None
        self._lock = threading.Lock()
        self._refs = []

    def _fail(self, e):
        with self._lock:
            if self.exc is None:
                self.exc = e
        return 1

    def progress(self, fn):
        """podc_service_progress_cb from fn(line: str)."""
        def tramp(line, _ud):
            if self.exc is not None:
                return 1
            try:
                fn(dec(line))
                return 0
            except BaseException as e:  # noqa: B902 - must not reach C
                return self._fail(e)
        cb = PROGRESS_CB(tramp)
        self._refs.append(cb)
        return cb

    def data_lines(self, fn, stoppable=False):
        """podc_data_cb from fn(text: str). With stoppable, fn returning True stops the call
        (the library then returns PODC_ECANCELLED); any other result continues."""
        def tramp(data, n, _ud):
            if self.exc is not None:
                return 1
            try:
                r = fn(bytes_at(data, n).decode("utf-8", "replace"))
                return 1 if stoppable and r is True else 0
            except BaseException as e:  # noqa: B902
                return self._fail(e)
        cb = DATA_CB(tramp)
        self._refs.append(cb)
        return cb

    def data_bytes(self, fn):
        """podc_data_cb from fn(data: bytes) (a tar stream, say)."""
        def tramp(data, n, _ud):
            if self.exc is not None:
                return 1
            try:
                fn(bytes_at(data, n))
                return 0
            except BaseException as e:  # noqa: B902
                return self._fail(e)
        cb = DATA_CB(tramp)
        self._refs.append(cb)
        return cb

    def output(self, fn):
        """podc_output_cb from fn(stream: int, data: bytes)."""
        def tramp(stream, data, n, _ud):
            if self.exc is not None:
                return 1
            try:
                fn(stream, bytes_at(data, n))
                return 0
            except BaseException as e:  # noqa: B902
                return self._fail(e)
        cb = OUTPUT_CB(tramp)
        self._refs.append(cb)
        return cb

    def reraise(self, cause=None):
        """Raises the callback's exception, if any (chained to the library's error)."""
        if self.exc is not None:
            exc, self.exc = self.exc, None
            if cause is not None and exc.__cause__ is None:
                raise exc from cause
            raise exc


def guarded_call(guard, fn, *args):
    """Runs fn(*args) (a PodcError-raising wrapper); a callback exception wins over the
    library's PODC_ECANCELLED that it caused."""
    from .errors import PodcError
    try:
        result = fn(*args)
    except PodcError as e:
        guard.reraise(cause=e)
        raise
    guard.reraise()
    return result
