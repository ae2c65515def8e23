/*
 * The HTTP baseline for `make bench`: libmicrohttpd answering "hello" to
 * every request, with the daemon set up the way truce sets up its own
 * (src/http/server.c): epoll, an internal thread pool of one thread per
 * online CPU, suspend/resume allowed, 60 s connection timeout.  The ratio
 * truce/hello is then the cost of truce's own work, not of libmicrohttpd's
 * configuration.
 *
 * usage: hello PORT      (0 picks a free port; the port is printed on stderr
 *                         as "hello: listening on http://127.0.0.1:PORT")
 * Stops on SIGTERM or SIGINT.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Not const: MHD_create_response_from_buffer takes a plain pointer. */
static char body[] = "hello";

/* Answers every request at once; the response is shared and never changes. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    struct MHD_Response *resp = cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload;
    /* The first call only announces the headers.  Answering then would make
     * libmicrohttpd close the connection ("Connection: close", the request
     * not being fully read), so wait for the last call, as truce does.  A
     * body, if any, is read and dropped. */
    static int seen;
    if (*con_cls != &seen) {
        *con_cls = &seen;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(conn, MHD_HTTP_OK, resp);
}

int main(int argc, char **argv)
{
    char *end;
    long port = argc == 2 ? strtol(argv[1], &end, 10) : -1;
    if (argc != 2 || !*argv[1] || *end || port < 0 || port > 65535) {
        fprintf(stderr, "usage: hello PORT   (0 picks a free port)\n");
        return 2;
    }

    /* Block the stop signals before any thread starts, so only sigwait sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = ncpu > 0 ? (unsigned)ncpu : 2;

    struct MHD_Response *resp =
        MHD_create_response_from_buffer(sizeof(body) - 1, body, MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        fprintf(stderr, "hello: cannot create the response\n");
        return 1;
    }
    MHD_add_response_header(resp, "Content-Type", "text/plain");

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, resp, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "hello: cannot listen on 127.0.0.1:%ld\n", port);
        MHD_destroy_response(resp);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "hello: listening on http://127.0.0.1:%u (%u threads)\n",
            info ? (unsigned)info->port : (unsigned)port, threads);

    int sig = 0;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    MHD_destroy_response(resp);
    return 0;
}
