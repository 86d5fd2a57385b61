// Typed, non-variadic wrappers around libcurl's variadic calls, which Swift cannot call directly.
#ifndef SWITCHBOARD_CCURL_SHIM_H
#define SWITCHBOARD_CCURL_SHIM_H

#include <curl/curl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

typedef size_t (*sb_curl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode sb_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sb_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sb_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sb_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sb_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sb_easy_setopt_write_callback(CURL *handle, CURLoption option, sb_curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}
typedef int (*sb_curl_closesocket_callback)(void *clientp, curl_socket_t item);
static inline CURLcode sb_easy_setopt_closesocket_callback(CURL *handle, CURLoption option, sb_curl_closesocket_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sb_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode sb_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode sb_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLMcode sb_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}
typedef int (*sb_curl_socket_callback)(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp);
typedef int (*sb_curl_timer_callback)(CURLM *multi, long timeout_ms, void *userp);

static inline CURLMcode sb_multi_setopt_pointer(CURLM *handle, CURLMoption option, void *value) {
    return curl_multi_setopt(handle, option, value);
}
static inline CURLMcode sb_multi_setopt_socket_callback(CURLM *handle, CURLMoption option, sb_curl_socket_callback value) {
    return curl_multi_setopt(handle, option, value);
}
static inline CURLMcode sb_multi_setopt_timer_callback(CURLM *handle, CURLMoption option, sb_curl_timer_callback value) {
    return curl_multi_setopt(handle, option, value);
}

/// epoll without the packed `struct epoll_event` crossing into Swift.
static inline int sb_epoll_ctl(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event event;
    event.events = events;
    event.data.fd = fd;
    return epoll_ctl(epfd, op, fd, &event);
}
/// Waits for up to 64 events; fills `fds` and `events` side by side.
static inline int sb_epoll_wait(int epfd, int *fds, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event ready[64];
    if (max > 64) max = 64;
    int n = epoll_wait(epfd, ready, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        fds[i] = ready[i].data.fd;
        events[i] = ready[i].events;
    }
    return n;
}
static inline void sb_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t ignored = write(fd, &one, sizeof one);
    (void)ignored;
}
static inline void sb_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t ignored = read(fd, &value, sizeof value);
    (void)ignored;
}

/// Makes a write to a closed socket return EPIPE instead of killing the process.
static inline void sb_ignore_sigpipe(void) {
    signal(SIGPIPE, SIG_IGN);
}

#endif
