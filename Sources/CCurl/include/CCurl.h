/* CCurl: libcurl for Swift, loaded on first use.
 *
 * libcurl pulls in some thirty shared libraries (TLS, Kerberos, LDAP, ...) whose loading
 * costs about 7 ms at every start, more than everything else boxlua does to run `-e ''`.
 * So boxlua does not link it: the first network call dlopen()s libcurl.so.4, and these
 * wrappers call through the symbols found there. They hold no logic beyond that.
 * curl_easy_setopt/getinfo and curl_multi_setopt are variadic, which Swift cannot call:
 * the typed wrappers below pass one argument of each kind. */
#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>

/* NULL once libcurl is loaded; else why it could not be (dlerror's text). */
const char *ccurl_load(void);

typedef size_t (*ccurl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

CURLcode ccurl_global_init(long flags);
CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *h);
void ccurl_easy_reset(CURL *h);
const char *ccurl_easy_strerror(CURLcode code);
CURLM *ccurl_multi_init(void);
CURLMcode ccurl_multi_cleanup(CURLM *m);
CURLMcode ccurl_multi_add_handle(CURLM *m, CURL *h);
CURLMcode ccurl_multi_remove_handle(CURLM *m, CURL *h);
CURLMcode ccurl_multi_perform(CURLM *m, int *running);
CURLMcode ccurl_multi_poll(CURLM *m, struct curl_waitfd *fds, unsigned int nfds, int timeout_ms, int *numfds);
CURLMsg *ccurl_multi_info_read(CURLM *m, int *queued);
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *s);
void ccurl_slist_free_all(struct curl_slist *list);

CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v);
CURLcode ccurl_setopt_off(CURL *h, CURLoption o, curl_off_t v);
CURLcode ccurl_setopt_ptr(CURL *h, CURLoption o, const void *v);
CURLcode ccurl_setopt_data_cb(CURL *h, CURLoption o, ccurl_data_cb v);
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *v);
CURLcode ccurl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v);
CURLcode ccurl_getinfo_ptr(CURL *h, CURLINFO i, void **v);

static inline CURL *ccurl_msg_easy(CURLMsg *m) { return m->easy_handle; }
static inline CURLcode ccurl_msg_result(CURLMsg *m) { return m->data.result; }

#endif
