/* mod_retrywith: a strict front door for mod_dav. Module record, hooks and
 * startup; the checks are in rw_check.c, the rules in ../dav. */
#include <dlfcn.h>

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

#include "mod_status.h"

#include "rw_glue.h"
#include "rw_lab.h"
#include "rw_log.h"
#include "rw_status.h"

static int rw_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s)
{
    apr_status_t rv = rw_policy_default_secret(pconf);

    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, RW_LOGNO(00004)
                     "no random bytes for the Ms-Echo-Request key: httpd "
                     "does not start rather than use a guessable one");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rw_status_init(s);
    rw_proxy_init();
    if (rw_lab_post_config(pconf, s) != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (!ap_find_linked_module("mod_dav.c")) {
        if (!ap_find_linked_module("mod_proxy.c"))
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, RW_LOGNO(00001)
                         "neither mod_dav nor mod_proxy is loaded: "
                         "mod_retrywith has nothing to check");
        rw_dav_provider_name = NULL;
        return OK;
    }
    /* Looked up, not linked, so LoadModule order does not matter. */
    rw_dav_provider_name = (const char *(*)(request_rec *))
        dlsym(RTLD_DEFAULT, "dav_get_provider_name");
    if (!rw_dav_provider_name)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, RW_LOGNO(00002)
                     "dav_get_provider_name not found: GET and HEAD in DAV "
                     "locations will not be checked");
    return OK;
}

static void rw_register_hooks(apr_pool_t *p)
{
    /* mod_proxy's handler runs first of all: ours must run before it */
    static const char *const before[] = { "mod_dav.c", "mod_proxy.c",
                                          NULL };

    ap_hook_pre_config(rw_lab_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(rw_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(rw_handler, NULL, before, APR_HOOK_FIRST);
    ap_hook_handler(rw_status_page, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(rw_lab_report, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_log_transaction(rw_lab_log, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, rw_status_hook, NULL, NULL,
                      APR_HOOK_MIDDLE);
    rw_replay_filter = ap_register_input_filter("RETRYWITH_REPLAY",
                                                rw_replay_in, NULL,
                                                AP_FTYPE_RESOURCE);
}

AP_DECLARE_MODULE(retrywith) = {
    STANDARD20_MODULE_STUFF,
    rw_create_dir_conf,
    rw_merge_dir_conf,
    NULL,
    NULL,
    rw_cmds,
    rw_register_hooks,
    AP_MODULE_FLAG_NONE
};
