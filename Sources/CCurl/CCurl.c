#include "CCurl.h"
#include <dlfcn.h>
#include <pthread.h>

/* The libcurl functions boxlua uses, found once in libcurl.so.4. */
static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;

static const char *load_error = "libcurl was not loaded";
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define FIND(field, name) \
    if ((*(void **)&curl.field = dlsym(lib, name)) == NULL) { load_error = dlerror(); return; }

static void load(void) {
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) { load_error = dlerror(); return; }
    FIND(global_init, "curl_global_init") FIND(easy_init, "curl_easy_init")
    FIND(easy_cleanup, "curl_easy_cleanup") FIND(easy_reset, "curl_easy_reset")
    FIND(easy_strerror, "curl_easy_strerror") FIND(easy_setopt, "curl_easy_setopt")
    FIND(easy_getinfo, "curl_easy_getinfo") FIND(multi_init, "curl_multi_init")
    FIND(multi_cleanup, "curl_multi_cleanup") FIND(multi_add_handle, "curl_multi_add_handle")
    FIND(multi_remove_handle, "curl_multi_remove_handle") FIND(multi_perform, "curl_multi_perform")
    FIND(multi_poll, "curl_multi_poll") FIND(multi_info_read, "curl_multi_info_read")
    FIND(slist_append, "curl_slist_append") FIND(slist_free_all, "curl_slist_free_all")
    load_error = NULL;
}

const char *ccurl_load(void) {
    pthread_once(&once, load);
    return load_error;
}

CURLcode ccurl_global_init(long flags) { return curl.global_init(flags); }
CURL *ccurl_easy_init(void) { return curl.easy_init(); }
void ccurl_easy_cleanup(CURL *h) { curl.easy_cleanup(h); }
void ccurl_easy_reset(CURL *h) { curl.easy_reset(h); }
const char *ccurl_easy_strerror(CURLcode code) { return curl.easy_strerror(code); }
CURLM *ccurl_multi_init(void) { return curl.multi_init(); }
CURLMcode ccurl_multi_cleanup(CURLM *m) { return curl.multi_cleanup(m); }
CURLMcode ccurl_multi_add_handle(CURLM *m, CURL *h) { return curl.multi_add_handle(m, h); }
CURLMcode ccurl_multi_remove_handle(CURLM *m, CURL *h) { return curl.multi_remove_handle(m, h); }
CURLMcode ccurl_multi_perform(CURLM *m, int *running) { return curl.multi_perform(m, running); }
CURLMcode ccurl_multi_poll(CURLM *m, struct curl_waitfd *fds, unsigned int n, int ms, int *numfds) {
    return curl.multi_poll(m, fds, n, ms, numfds);
}
CURLMsg *ccurl_multi_info_read(CURLM *m, int *queued) { return curl.multi_info_read(m, queued); }
struct curl_slist *ccurl_slist_append(struct curl_slist *l, const char *s) { return curl.slist_append(l, s); }
void ccurl_slist_free_all(struct curl_slist *l) { curl.slist_free_all(l); }

CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v) { return curl.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_data_cb(CURL *h, CURLoption o, ccurl_data_cb v) { return curl.easy_setopt(h, o, v); }
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl.easy_getinfo(h, i, v); }
CURLcode ccurl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl.easy_getinfo(h, i, v); }
CURLcode ccurl_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl.easy_getinfo(h, i, v); }
