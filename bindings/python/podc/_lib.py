"""Loading libpodc with ctypes and declaring the C prototypes.

The library is found, in this order:
  1. $PODC_LIBRARY (a path to libpodc.so),
  2. the source tree's build: <repo>/build/lib/.libs/libpodc.so (the package lives in
     <repo>/bindings/python/podc),
  3. ctypes.util.find_library("podc") (an installed libpodc).

Every handle is a c_void_p. `char *` results the caller owns are declared as c_void_p so that
the pointer can be handed back to podc_free(); borrowed `const char *` results are c_char_p.
"""

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_int, c_int64, c_size_t,
                    c_uint, c_uint64, c_void_p)

__all__ = ["lib", "library_path", "ClientOptions", "CLIENT_OPTIONS_VERSION", "LogsOptions", "DATA_CB",
           "OUTPUT_CB", "PROGRESS_CB", "WARNING_CB", "EVENT_CB", "EventsOptions", "enc", "dec", "take_string", "argv_array", "bytes_at", "has", "need"]

# ---- callback types (common.h, logs.h, service.h) ---------------------------------------
DATA_CB = CFUNCTYPE(c_int, c_void_p, c_size_t, c_void_p)            # podc_data_cb
OUTPUT_CB = CFUNCTYPE(c_int, c_int, c_void_p, c_size_t, c_void_p)   # podc_output_cb
PROGRESS_CB = CFUNCTYPE(c_int, c_char_p, c_void_p)                  # podc_service_progress_cb
WARNING_CB = CFUNCTYPE(None, c_char_p, c_void_p)                    # podc_compose_warning_cb
EVENT_CB = CFUNCTYPE(c_int, c_void_p, c_void_p)                     # podc_event_cb


CLIENT_OPTIONS_VERSION = 2  # PODC_CLIENT_OPTIONS_VERSION


class ClientOptions(Structure):
    """podc_client_options, version 2 (version 1 ends before `connection`)."""
    _fields_ = [("version", c_uint), ("uri", c_char_p), ("timeout_ms", c_int64),
                ("connect_timeout_ms", c_int64),
                ("connection", c_char_p)]  # version 2


class EventsOptions(Structure):
    _fields_ = [("version", c_uint), ("filters", c_void_p), ("since", c_char_p), ("until", c_char_p),
                ("follow", c_int), ("timeout_ms", c_int64)]


class LogsOptions(Structure):
    _fields_ = [("version", c_uint), ("want_stdout", c_int), ("want_stderr", c_int),
                ("tail", c_int64), ("since", c_int64), ("since_text", c_char_p),
                ("timestamps", c_int), ("follow", c_int), ("timeout_ms", c_int64)]


def _candidates():
    env = os.environ.get("PODC_LIBRARY")
    if env:
        return [env]  # explicit: nothing else is tried
    here = os.path.dirname(os.path.abspath(__file__))
    out = [os.path.normpath(os.path.join(here, "..", "..", "..", "build", "lib", ".libs", "libpodc.so")),
           os.path.normpath(os.path.join(here, "..", "..", "build", "lib", ".libs", "libpodc.so"))]
    found = ctypes.util.find_library("podc")
    if found:
        out.append(found)
    return out


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path + " (missing)")
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise OSError("libpodc not found; set PODC_LIBRARY. Tried: " + "; ".join(tried or ["nothing"]))


lib, library_path = _load()

H = c_void_p            # any opaque handle
PH = POINTER(c_void_p)  # handle out-param / owned char* out-param / podc_error **
S = c_char_p            # borrowed string or string argument
ARGV = POINTER(c_char_p)
I, I64, SZ, U = c_int, c_int64, c_size_t, c_uint

# name: (restype, [argtypes])
_PROTOS = {
    # common / error
    "podc_free": (None, [c_void_p]),
    "podc_library_version": (S, []),
    "podc_strerror": (S, [I]),
    "podc_error_code_name": (S, [I]),
    "podc_error_code": (I, [H]),
    "podc_error_message": (S, [H]),
    "podc_error_http_status": (I, [H]),
    "podc_error_cause": (S, [H]),
    "podc_error_server_message": (S, [H]),
    "podc_error_method": (S, [H]),
    "podc_error_path": (S, [H]),
    "podc_error_container": (S, [H]),
    "podc_error_container_id": (S, [H]),
    "podc_error_exit_code": (I, [H, POINTER(c_int)]),
    "podc_error_log_tail": (S, [H]),
    "podc_error_detail": (S, [H, S]),
    "podc_error_to_json": (c_void_p, [H]),
    "podc_error_free": (None, [H]),
    # client
    "podc_client_options_init": (I, [POINTER(ClientOptions), U]),
    "podc_client_new": (I, [PH, POINTER(ClientOptions), PH]),
    "podc_client_new_like": (I, [PH, H, PH]),
    "podc_client_free": (None, [H]),
    "podc_client_uri": (S, [H]),
    "podc_client_scheme": (S, [H]),
    "podc_client_host": (S, [H]),
    "podc_client_socket_path": (S, [H]),
    "podc_client_socket_source": (S, [H]),
    "podc_client_server_api_version": (S, [H]),
    "podc_client_set_timeout": (I, [H, I64, PH]),
    "podc_client_cancel": (None, [H]),
    "podc_client_scope_begin": (None, [H]),
    "podc_client_scope_end": (None, [H]),
    "podc_client_connections_opened": (I64, [H]),
    # filters
    "podc_filters_new": (H, []),
    "podc_filters_add": (I, [H, S, S, PH]),
    "podc_filters_free": (None, [H]),
    # system
    "podc_ping": (I, [H, PH]),
    "podc_version_get": (I, [H, PH, PH]),
    "podc_version_server": (S, [H]),
    "podc_version_api": (S, [H]),
    "podc_version_min_api": (S, [H]),
    "podc_version_os_arch": (S, [H]),
    "podc_version_free": (None, [H]),
    "podc_info_get": (I, [H, PH, PH]),
    "podc_info_json": (S, [H]),
    "podc_info_free": (None, [H]),
    # containers
    "podc_container_spec_new": (H, []),
    "podc_container_spec_free": (None, [H]),
    "podc_container_spec_set_name": (I, [H, S, PH]),
    "podc_container_spec_set_image": (I, [H, S, PH]),
    "podc_container_spec_set_command": (I, [H, ARGV, SZ, PH]),
    "podc_container_spec_add_env": (I, [H, S, S, PH]),
    "podc_container_spec_add_label": (I, [H, S, S, PH]),
    "podc_container_spec_add_port": (I, [H, I, I, S, S, PH]),
    "podc_container_spec_add_network": (I, [H, S, ARGV, SZ, PH]),
    "podc_container_spec_set_workdir": (I, [H, S, PH]),
    "podc_container_spec_set_user": (I, [H, S, PH]),
    "podc_container_spec_set_memory_limit": (I, [H, I64, PH]),
    "podc_container_spec_add_rlimit": (I, [H, S, c_uint64, c_uint64, PH]),
    "podc_container_create": (I, [H, H, PH, PH]),
    "podc_container_start": (I, [H, S, PH]),
    "podc_container_stop": (I, [H, S, I64, PH]),
    "podc_container_kill": (I, [H, S, S, PH]),
    "podc_container_restart": (I, [H, S, I64, PH]),
    "podc_container_wait": (I, [H, S, ARGV, SZ, I64, POINTER(c_int), PH]),
    "podc_container_remove": (I, [H, S, U, PH]),
    "podc_container_exists": (I, [H, S, POINTER(c_int), PH]),
    "podc_container_inspect": (I, [H, S, PH, PH]),
    "podc_container_info_json": (S, [H]),
    "podc_container_info_free": (None, [H]),
    "podc_container_list_get": (I, [H, H, U, PH, PH]),
    "podc_container_list_count": (SZ, [H]),
    "podc_container_list_at": (H, [H, SZ]),
    "podc_container_list_free": (None, [H]),
    "podc_container_summary_id": (S, [H]),
    "podc_container_summary_name": (S, [H]),
    "podc_container_summary_name_count": (SZ, [H]),
    "podc_container_summary_name_at": (S, [H, SZ]),
    "podc_container_summary_image": (S, [H]),
    "podc_container_summary_state": (S, [H]),
    "podc_container_summary_health": (S, [H]),
    "podc_container_summary_label": (S, [H, S]),
    "podc_container_summary_exit_code": (I, [H]),
    "podc_container_summary_port_count": (SZ, [H]),
    "podc_container_summary_port_at": (H, [H, SZ]),
    "podc_port_container_port": (I, [H]),
    "podc_port_host_port": (I, [H]),
    "podc_port_protocol": (S, [H]),
    "podc_port_host_ip": (S, [H]),
    # logs
    "podc_logs_options_init": (I, [POINTER(LogsOptions), U]),
    "podc_logs_stream": (I, [H, S, POINTER(LogsOptions), OUTPUT_CB, c_void_p, PH]),
    "podc_logs_get": (I, [H, S, POINTER(LogsOptions), PH, PH]),
    "podc_logs_stdout": (c_void_p, [H]),
    "podc_logs_stderr": (c_void_p, [H]),
    "podc_logs_combined": (c_void_p, [H]),
    "podc_logs_stdout_len": (SZ, [H]),
    "podc_logs_stderr_len": (SZ, [H]),
    "podc_logs_combined_len": (SZ, [H]),
    "podc_logs_free": (None, [H]),
    # exec
    "podc_exec_options_new": (H, []),
    "podc_exec_options_add_env": (I, [H, S, S, PH]),
    "podc_exec_options_set_workdir": (I, [H, S, PH]),
    "podc_exec_options_set_user": (I, [H, S, PH]),
    "podc_exec_options_set_timeout": (I, [H, I64, PH]),
    "podc_exec_options_set_tty": (I, [H, I, PH]),
    "podc_exec_options_free": (None, [H]),
    "podc_exec_stream": (I, [H, S, ARGV, H, OUTPUT_CB, c_void_p, POINTER(c_int), PH]),
    "podc_exec_run": (I, [H, S, ARGV, H, PH, PH]),
    "podc_exec_result_exit_code": (I, [H]),
    "podc_exec_result_stdout": (c_void_p, [H]),
    "podc_exec_result_stderr": (c_void_p, [H]),
    "podc_exec_result_stdout_len": (SZ, [H]),
    "podc_exec_result_stderr_len": (SZ, [H]),
    "podc_exec_result_free": (None, [H]),
    # images
    "podc_image_exists": (I, [H, S, POINTER(c_int), PH]),
    "podc_image_inspect": (I, [H, S, PH, PH]),
    "podc_image_json": (S, [H]),
    "podc_image_id": (S, [H]),
    "podc_image_tag_count": (SZ, [H]),
    "podc_image_tag_at": (S, [H, SZ]),
    "podc_image_size": (I64, [H]),
    "podc_image_created_unix": (I64, [H]),
    "podc_image_label_count": (SZ, [H]),
    "podc_image_label_key_at": (S, [H, SZ]),
    "podc_image_label_value_at": (S, [H, SZ]),
    "podc_image_list_get": (I, [H, H, PH, PH]),
    "podc_image_list_count": (SZ, [H]),
    "podc_image_list_at": (H, [H, SZ]),
    "podc_image_list_free": (None, [H]),
    # events.h
    "podc_events_options_init": (I, [POINTER(EventsOptions), U]),
    "podc_events_stream": (I, [H, POINTER(EventsOptions), EVENT_CB, c_void_p, PH]),
    "podc_event_type": (S, [H]),
    "podc_event_action": (S, [H]),
    "podc_event_actor_id": (S, [H]),
    "podc_event_name": (S, [H]),
    "podc_event_attribute_count": (SZ, [H]),
    "podc_event_attribute_key_at": (S, [H, SZ]),
    "podc_event_attribute_value_at": (S, [H, SZ]),
    "podc_event_time_ns": (I64, [H]),
    "podc_event_json": (S, [H]),
    # copy.h
    "podc_copy_put_tar": (I, [H, S, S, c_void_p, SZ, PH]),
    "podc_copy_put_file": (I, [H, S, S, S, c_void_p, SZ, U, PH]),
    "podc_copy_get_tar": (I, [H, S, S, DATA_CB, c_void_p, PH]),
    "podc_copy_get_file": (I, [H, S, S, PH, POINTER(c_size_t), PH]),
    "podc_image_free": (None, [H]),
    "podc_image_tag": (I, [H, S, S, S, PH]),
    "podc_image_remove": (I, [H, S, U, PH]),
    "podc_image_build_options_new": (H, []),
    "podc_image_build_options_add_tag": (I, [H, S, PH]),
    "podc_image_build_options_set_containerfile": (I, [H, S, PH]),
    "podc_image_build_options_add_build_arg": (I, [H, S, S, PH]),
    "podc_image_build_options_add_label": (I, [H, S, S, PH]),
    "podc_image_build_options_set_target": (I, [H, S, PH]),
    "podc_image_build_options_set_no_cache": (I, [H, I, PH]),
    "podc_image_build_options_set_pull_never": (I, [H, I, PH]),
    "podc_image_build_options_set_progress": (I, [H, DATA_CB, c_void_p, PH]),
    "podc_image_build_options_set_timeout": (I, [H, I64, PH]),
    "podc_image_build_options_free": (None, [H]),
    "podc_image_build": (I, [H, S, H, PH, PH]),
    "podc_image_build_options_set_pull_policy": (I, [H, I, PH]),
    "podc_image_digest": (S, [H]),
    # images: pull and push (podc_image_pull_policy is an enum: int)
    "podc_image_pull_policy_from_name": (I, [S, POINTER(c_int)]),
    "podc_image_pull_policy_name": (S, [I]),
    "podc_image_pull_options_new": (H, []),
    "podc_image_pull_options_free": (None, [H]),
    "podc_image_pull_options_set_policy": (I, [H, I, PH]),
    "podc_image_pull_options_set_flags": (I, [H, U, PH]),
    "podc_image_pull_options_set_credentials": (I, [H, S, S, PH]),
    "podc_image_pull_options_set_identity_token": (I, [H, S, PH]),
    "podc_image_pull_options_set_authfile": (I, [H, S, PH]),
    "podc_image_pull_options_set_platform": (I, [H, S, S, S, PH]),
    "podc_image_pull_options_set_retries": (I, [H, I, I64, PH]),
    "podc_image_pull_options_set_progress": (I, [H, DATA_CB, c_void_p, PH]),
    "podc_image_pull_options_set_timeout": (I, [H, I64, PH]),
    "podc_image_pull": (I, [H, S, H, PH, PH]),
    "podc_image_push": (I, [H, S, S, H, PH, PH]),
    # networks
    "podc_network_options_new": (H, []),
    "podc_network_options_free": (None, [H]),
    "podc_network_options_set_internal": (I, [H, I, PH]),
    "podc_network_options_set_dns_enabled": (I, [H, I, PH]),
    "podc_network_options_set_driver": (I, [H, S, PH]),
    "podc_network_options_add_label": (I, [H, S, S, PH]),
    "podc_network_options_add_subnet": (I, [H, S, S, PH]),
    "podc_network_ensure": (I, [H, S, H, POINTER(c_int), PH]),
    "podc_network_exists": (I, [H, S, POINTER(c_int), PH]),
    "podc_network_inspect": (I, [H, S, PH, PH]),
    "podc_network_json": (S, [H]),
    "podc_network_free": (None, [H]),
    "podc_network_remove": (I, [H, S, U, PH]),
    "podc_network_connect": (I, [H, S, S, ARGV, SZ, PH]),
    "podc_network_disconnect": (I, [H, S, S, U, PH]),
    # service
    "podc_service_spec_new": (H, []),
    "podc_service_spec_free": (None, [H]),
    "podc_service_spec_set_name": (I, [H, S, PH]),
    "podc_service_spec_set_image": (I, [H, S, PH]),
    "podc_service_spec_set_build": (I, [H, S, S, I, PH]),
    "podc_service_spec_set_pull_options": (I, [H, H, PH]),
    "podc_service_spec_add_build_arg": (I, [H, S, S, PH]),
    "podc_service_spec_add_port": (I, [H, I, I, PH]),
    "podc_service_spec_add_env": (I, [H, S, S, PH]),
    "podc_service_spec_set_network": (I, [H, S, PH]),
    "podc_service_spec_add_network_alias": (I, [H, S, PH]),
    "podc_service_spec_add_volume": (I, [H, S, S, ARGV, SZ, PH]),
    "podc_service_spec_add_bind_mount": (I, [H, S, S, ARGV, SZ, PH]),
    "podc_service_spec_add_tmpfs": (I, [H, S, ARGV, SZ, PH]),
    "podc_service_spec_container": (H, [H]),
    "podc_service_spec_add_label": (I, [H, S, S, PH]),
    "podc_service_spec_set_command": (I, [H, ARGV, SZ, PH]),
    "podc_service_spec_add_host": (I, [H, S, S, PH]),
    "podc_service_spec_set_entrypoint": (I, [H, ARGV, SZ, PH]),
    "podc_service_spec_set_workdir": (I, [H, S, PH]),
    "podc_service_spec_set_user": (I, [H, S, PH]),
    "podc_service_spec_add_port_on": (I, [H, I, I, S, PH]),
    "podc_service_spec_add_depends_on": (I, [H, S, PH]),
    "podc_service_spec_set_startup_timeout": (I, [H, I64, PH]),
    "podc_service_spec_set_poll_interval": (I, [H, I64, I64, PH]),
    "podc_service_spec_set_keep_on_failure": (I, [H, I, PH]),
    "podc_service_spec_set_memory_limit": (I, [H, I64, PH]),
    "podc_service_spec_set_session": (I, [H, S, PH]),
    "podc_service_spec_set_progress": (I, [H, PROGRESS_CB, c_void_p, PH]),
    "podc_service_spec_add_check_http": (I, [H, I, S, I, S, I64, PH]),
    "podc_service_spec_add_check_tcp": (I, [H, I, PH]),
    "podc_service_spec_add_check_tcp_exchange": (I, [H, I, S, S, I64, PH]),
    "podc_service_spec_add_check_exec": (I, [H, ARGV, SZ, S, I64, PH]),
    "podc_service_spec_add_check_log": (I, [H, S, I, PH]),
    "podc_service_spec_add_check_podman": (I, [H, S, PH]),
    "podc_service_spec_validate": (I, [H, PH]),
    "podc_service_start": (I, [H, H, PH, PH]),
    "podc_service_name": (S, [H]),
    "podc_service_id": (S, [H]),
    "podc_service_network": (S, [H]),
    "podc_service_ip": (S, [H]),
    "podc_service_session": (S, [H]),
    "podc_service_host_port": (I, [H, I]),
    "podc_service_host": (S, [H]),
    "podc_service_url": (I, [H, I, S, PH]),
    "podc_service_startup_ms": (I64, [H]),
    "podc_service_free": (None, [H]),
    "podc_service_stop": (I, [H, H, I64, PH]),
    "podc_service_cleanup": (I, [H, S, POINTER(c_size_t), PH]),
    "podc_service_cleanup_label": (I, [H, S, POINTER(c_size_t), PH]),
    "podc_service_default_session": (S, []),
    # datastorage
    "podc_ds_config_new": (H, [S]),
    "podc_ds_config_free": (None, [H]),
    "podc_ds_config_set_preset": (I, [H, S, PH]),
    "podc_ds_preset_count": (SZ, []),
    "podc_ds_preset_name_at": (S, [SZ]),
    "podc_ds_config_set_port": (I, [H, I, I, PH]),
    "podc_ds_config_set_migrations_dir": (I, [H, S, PH]),
    "podc_ds_config_set_config_dir": (I, [H, S, PH]),
    "podc_ds_config_set_postgres_credentials": (I, [H, S, S, S, PH]),
    "podc_ds_config_set_image": (I, [H, I, S, PH]),
    "podc_ds_config_set_build": (I, [H, S, S, I, PH]),
    "podc_ds_config_set_pull_options": (I, [H, H, PH]),
    "podc_ds_config_set_preserve_image": (I, [H, I, PH]),
    "podc_ds_config_add_env": (I, [H, S, S, PH]),
    "podc_ds_config_set_skip_redis": (I, [H, I, PH]),
    "podc_ds_config_set_reuse": (I, [H, I, PH]),
    "podc_ds_config_set_postgres_durable": (I, [H, I, PH]),
    "podc_ds_config_set_timeout": (I, [H, I64, PH]),
    "podc_ds_config_set_session": (I, [H, S, PH]),
    "podc_ds_config_set_progress": (I, [H, PROGRESS_CB, c_void_p, PH]),
    "podc_ds_up": (I, [H, H, PH, PH]),
    "podc_ds_stack_service": (S, [H]),
    "podc_ds_stack_network": (S, [H]),
    "podc_ds_stack_container": (S, [H, I]),
    "podc_ds_stack_port": (I, [H, I]),
    "podc_ds_stack_postgres_dsn": (S, [H]),
    "podc_ds_stack_postgres_dsn_masked": (S, [H]),
    "podc_ds_stack_redis_addr": (S, [H]),
    "podc_ds_stack_api_url": (S, [H]),
    "podc_ds_stack_health_url": (S, [H]),
    "podc_ds_stack_metrics_url": (S, [H]),
    "podc_ds_stack_up_ms": (I64, [H]),
    "podc_ds_stack_reused": (I, [H]),
    "podc_ds_stack_free": (None, [H]),
    "podc_ds_down": (I, [H, S, I, PH]),
    # stack.h
    "podc_stack_spec_new": (H, [S]),
    "podc_stack_spec_free": (None, [H]),
    "podc_stack_spec_set_network": (I, [H, S, PH]),
    "podc_stack_spec_add_member": (I, [H, S, I, H, PH]),
    "podc_stack_spec_add_dependency": (I, [H, S, S, I, PH]),
    "podc_stack_spec_set_keep_on_failure": (I, [H, I, PH]),
    "podc_stack_spec_set_session": (I, [H, S, PH]),
    "podc_stack_spec_set_progress": (I, [H, PROGRESS_CB, c_void_p, PH]),
    "podc_stack_spec_validate": (I, [H, PH]),
    "podc_stack_spec_name": (S, [H]),
    "podc_stack_spec_network": (S, [H]),
    "podc_stack_up": (I, [H, H, PH, PH]),
    "podc_stack_name": (S, [H]),
    "podc_stack_network": (S, [H]),
    "podc_stack_member_count": (SZ, [H]),
    "podc_stack_member_name": (S, [H, SZ]),
    "podc_stack_member_kind_of": (I, [H, SZ]),
    "podc_stack_member_service": (H, [H, SZ]),
    "podc_stack_member_container": (S, [H, SZ]),
    "podc_stack_member_ready_ms": (I64, [H, SZ]),
    "podc_stack_up_ms": (I64, [H]),
    "podc_stack_free": (None, [H]),
    "podc_stack_down": (I, [H, S, I64, U, POINTER(c_size_t), PH]),
    "podc_stack_status_get": (I, [H, S, PH, PH]),
    "podc_stack_status_count": (SZ, [H]),
    "podc_stack_status_member": (S, [H, SZ]),
    "podc_stack_status_container": (S, [H, SZ]),
    "podc_stack_status_state": (S, [H, SZ]),
    "podc_stack_status_health": (S, [H, SZ]),
    "podc_stack_status_exit_code": (I, [H, SZ]),
    "podc_stack_status_ports": (S, [H, SZ]),
    "podc_stack_status_free": (None, [H]),
    # compose.h
    "podc_compose_options_new": (H, []),
    "podc_compose_options_free": (None, [H]),
    "podc_compose_options_add_file": (I, [H, S, PH]),
    "podc_compose_options_set_project": (I, [H, S, PH]),
    "podc_compose_options_add_profile": (I, [H, S, PH]),
    "podc_compose_options_set_image": (I, [H, S, S, PH]),
    "podc_compose_options_set_variable": (I, [H, S, S, PH]),
    "podc_compose_options_set_strict": (I, [H, I, PH]),
    "podc_compose_options_set_warning_cb": (I, [H, WARNING_CB, c_void_p, PH]),
    "podc_compose_load": (I, [H, PH, PH]),
}

missing = []
for _name, (_res, _args) in _PROTOS.items():
    try:
        _fn = getattr(lib, _name)
    except AttributeError:
        missing.append(_name)  # an older library: the wrapper using it raises Unsupported
        continue
    _fn.restype = _res
    _fn.argtypes = _args


# ---- small helpers -----------------------------------------------------------------------

def enc(s):
    """str -> bytes for a `const char *` argument (None stays NULL)."""
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    return os.fsencode(s) if isinstance(s, os.PathLike) else str(s).encode("utf-8")


def dec(b):
    """Borrowed `const char *` result (bytes or None) -> str or None."""
    if b is None:
        return None
    return b.decode("utf-8", "replace")


def take_string(ptr):
    """An owned `char *` (c_void_p / int) -> str, freeing it with podc_free()."""
    p = ptr.value if isinstance(ptr, c_void_p) else ptr
    if not p:
        return None
    try:
        return ctypes.string_at(p).decode("utf-8", "replace")
    finally:
        lib.podc_free(p)


def argv_array(items, null_terminated=False):
    """A list of str -> (char *[] array, count). The array keeps its bytes objects alive."""
    raw = [enc(x) for x in items]
    n = len(raw)
    arr = (c_char_p * (n + 1 if null_terminated else max(n, 1)))()
    for i, b in enumerate(raw):
        arr[i] = b
    if null_terminated:
        arr[n] = None
    arr._keep = raw  # bytes must outlive the call
    return arr, n


def bytes_at(ptr, n):
    if not ptr or not n:
        return b""
    return ctypes.string_at(ptr, n)


def has(name):
    return name not in missing


def need(name):
    """The function, or Unsupported when this libpodc is too old to have it."""
    if name in missing:
        from .errors import Unsupported
        raise Unsupported("this libpodc has no %s()" % name, code=-12)
    return getattr(lib, name)

