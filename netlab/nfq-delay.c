/*
 * nfq-delay: delay and drop packets handed to an NFQUEUE, because this kernel
 * has no netem. Used by scripts/netlab.mjs inside a router namespace:
 *
 *   iptables -A FORWARD -j NFQUEUE --queue-num 0
 *   nfq-delay <queue> <delay-ms> <loss-percent> [seconds]
 *
 * Each packet is dropped with the given probability; the rest are accepted
 * after the delay, in order. It exits by itself after `seconds` (default 600).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_HELD 65536

static struct nfq_q_handle *queue;
static unsigned int held_id[MAX_HELD];
static double held_at[MAX_HELD];
static unsigned int head, tail;
static double delay_ms, loss;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int on_packet(struct nfq_q_handle *q, struct nfgenmsg *msg, struct nfq_data *data, void *unused) {
  (void)msg;
  (void)unused;
  struct nfqnl_msg_packet_hdr *hdr = nfq_get_msg_packet_hdr(data);
  if (!hdr) return 0;
  unsigned int id = ntohl(hdr->packet_id);
  if ((double)rand() / RAND_MAX * 100.0 < loss) return nfq_set_verdict(q, id, NF_DROP, 0, NULL);
  if (tail - head >= MAX_HELD) return nfq_set_verdict(q, id, NF_ACCEPT, 0, NULL);
  held_id[tail % MAX_HELD] = id;
  held_at[tail % MAX_HELD] = now_ms() + delay_ms;
  tail++;
  return 0;
}

static void release_due(void) {
  double now = now_ms();
  while (head != tail && held_at[head % MAX_HELD] <= now) {
    nfq_set_verdict(queue, held_id[head % MAX_HELD], NF_ACCEPT, 0, NULL);
    head++;
  }
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <queue> <delay-ms> <loss-percent> [seconds]\n", argv[0]);
    return 2;
  }
  int num = atoi(argv[1]);
  delay_ms = atof(argv[2]);
  loss = atof(argv[3]);
  double stop_at = now_ms() + (argc > 4 ? atof(argv[4]) : 600.0) * 1e3;
  srand((unsigned)time(NULL));

  struct nfq_handle *handle = nfq_open();
  if (!handle) {
    perror("nfq_open");
    return 1;
  }
  queue = nfq_create_queue(handle, num, &on_packet, NULL);
  if (!queue) {
    perror("nfq_create_queue");
    return 1;
  }
  if (nfq_set_mode(queue, NFQNL_COPY_META, 0) < 0) {
    perror("nfq_set_mode");
    return 1;
  }
  int fd = nfq_fd(handle);
  char buf[65536];
  fprintf(stderr, "nfq-delay: queue %d, %.0f ms, %.1f%% loss\n", num, delay_ms, loss);
  while (now_ms() < stop_at) {
    double wait = head != tail ? held_at[head % MAX_HELD] - now_ms() : 50.0;
    struct pollfd p = {fd, POLLIN, 0};
    int ready = poll(&p, 1, wait < 0 ? 0 : (int)wait + 1);
    if (ready > 0) {
      int n = recv(fd, buf, sizeof buf, 0);
      if (n >= 0) nfq_handle_packet(handle, buf, n);
      else if (errno != ENOBUFS && errno != EINTR) break;
    }
    release_due();
  }
  nfq_destroy_queue(queue);
  nfq_close(handle);
  return 0;
}
