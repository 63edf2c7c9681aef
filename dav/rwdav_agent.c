/* The User-Agent family the live counters group clients by. */
#include "rwdav.h"

/* RFC 9110 tchar; "/" ends the token (product-version follows). */
int rwdav_is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9'))
        return 1;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
    case '+': case '-': case '.': case '^': case '_': case '`': case '|':
    case '~':
        return 1;
    default:
        return 0;
    }
}

apr_size_t rwdav_agent_family(const char *ua, apr_size_t len, char *out,
                              apr_size_t outsz)
{
    apr_size_t i = 0, n = 0;

    while (i < len && (ua[i] == ' ' || ua[i] == '\t'))
        i++;
    for (; i < len && n + 1 < outsz && rwdav_is_tchar((unsigned char)ua[i]); i++)
        out[n++] = ua[i];
    if (n == 0)
        out[n++] = '-';
    out[n] = '\0';
    return n;
}
