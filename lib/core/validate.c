#include "config.h"

#include "core/validate.h"

#include <string.h>

#include "core/error-private.h"

static int alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int pdc_validate_name(const char *field, const char *name, podc_error **err)
{
    if (!name || !*name)
        return pdc_error_invalid(err, field, "%s: a name is required", field);
    if (!alnum(name[0]))
        return pdc_error_invalid(err, field, "%s \"%s\": must start with a letter or digit", field, name);
    for (const char *p = name; *p; p++)
        if (!alnum(*p) && *p != '_' && *p != '.' && *p != '-')
            return pdc_error_invalid(err, field, "%s \"%s\": only [a-zA-Z0-9_.-] allowed", field, name);
    return 0;
}

int pdc_validate_image(const char *field, const char *ref, podc_error **err)
{
    if (!ref || !*ref)
        return pdc_error_invalid(err, field, "%s: an image reference is required", field);
    for (const unsigned char *p = (const unsigned char *)ref; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return pdc_error_invalid(err, field, "%s \"%s\": whitespace or control character in image reference",
                                     field, ref);
    return 0;
}

int pdc_validate_port(const char *field, long port, int allow_zero, podc_error **err)
{
    if (port < (allow_zero ? 0 : 1) || port > 65535)
        return pdc_error_invalid(err, field, "%s %ld: ports are %d-65535", field, port, allow_zero ? 0 : 1);
    return 0;
}

int pdc_validate_env_key(const char *field, const char *key, podc_error **err)
{
    if (!key || !*key)
        return pdc_error_invalid(err, field, "%s: environment variable name is empty", field);
    if (strchr(key, '='))
        return pdc_error_invalid(err, field, "%s \"%s\": environment variable name contains '='", field, key);
    return 0;
}

int pdc_validate_nonempty(const char *field, const char *value, podc_error **err)
{
    if (!value || !*value)
        return pdc_error_invalid(err, field, "%s is required", field);
    return 0;
}
