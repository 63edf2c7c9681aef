/* The one-letter headers: Overwrite (RFC 4918 §10.6) and Translate
 * ([MS-WDVSE] §2.2.1). ABNF literals are case-insensitive (RFC 5234). */
#include "rwdav.h"

rwdav_error *rwdav_overwrite_parse(apr_pool_t *p, const char *v,
                                   apr_size_t len, int *overwrite)
{
    if (len == 1 && (v[0] == 'T' || v[0] == 't')) {
        *overwrite = 1;
        return NULL;
    }
    if (len == 1 && (v[0] == 'F' || v[0] == 'f')) {
        *overwrite = 0;
        return NULL;
    }
    return rwdav_fault(p, len ? RWDAV_E_OVERWRITE_VALUE
                              : RWDAV_E_OVERWRITE_EMPTY, 0);
}

rwdav_error *rwdav_translate_parse(apr_pool_t *p, const char *v,
                                   apr_size_t len, int strict, int *translate)
{
    if (len == 1 && (v[0] == 't' || v[0] == 'T')) {
        *translate = 1;
        return NULL;
    }
    if (len == 1 && (v[0] == 'f' || v[0] == 'F')) {
        *translate = 0;
        return NULL;
    }
    *translate = -1;
    if (!strict)
        return NULL;   /* "All other values SHOULD be ignored" */
    return rwdav_fault(p, RWDAV_E_TRANSLATE_VALUE, 0);
}
