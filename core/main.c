/* main.c - tollgated: load the startup-config, open the control socket, run the event loop.
 *
 *   tollgated [-f FILE] [-S SOCKET] [--foreground] [--check] [--dump-commands] [--version]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/grammar.h"
#include "core/commit.h"
#include "core/ctl.h"
#include "core/cpuload.h"
#include "core/daemon.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/startup.h"
#include "core/version.h"
#include "core/dns.h"
#include "sip/sip_runtime.h"

#define DEFAULT_CONFIG "/etc/tollgate/startup-config"
#define DEFAULT_SOCKET "/run/tollgate/tollsh.sock"

static void usage(FILE *f)
{
	fprintf(f, "usage: tollgated [-f FILE] [-S SOCKET] [--foreground] [--check]\n"
		   "  -f, --config FILE   startup-config (default " DEFAULT_CONFIG ")\n"
		   "                      IOS text, or YAML when FILE ends in .yaml/.yml\n"
		   "  -S, --socket PATH   control socket for tollsh (default " DEFAULT_SOCKET ")\n"
		   "      --foreground    stay in the foreground, log to stderr\n"
		   "      --check         check FILE, print each error as FILE:LINE, exit 1 if any\n"
		   "      --dump-commands print the command reference (Markdown) and exit\n"
		   "  -V, --version       print the version and exit\n");
}

static int sfd = -1;

static void signal_cb(void *arg, uint32_t events)
{
	struct signalfd_siginfo si;
	(void)arg;
	(void)events;
	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
		log_msg(5, "SYS", "SHUTDOWN", "tollgated stopping on signal %u", si.ssi_signo);
		loop_stop();
	}
}

static void mkdir_parent(const char *path)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	struct stat st;
	if (stat(dir, &st) == 0)
		return;
	mkdir(dir, 0755);
}

int main(int argc, char **argv)
{
	const char *file = DEFAULT_CONFIG, *sock = DEFAULT_SOCKET;
	bool foreground = false, check = false, dump = false;
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 'S' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "check", no_argument, NULL, 'C' },
		{ "dump-commands", no_argument, NULL, 'D' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int o;
	while ((o = getopt_long(argc, argv, "f:S:Vh", opts, NULL)) != -1) {
		switch (o) {
		case 'f': file = optarg; break;
		case 'S': sock = optarg; break;
		case 'F': foreground = true; break;
		case 'C': check = true; break;
		case 'D': dump = true; break;
		case 'V': printf("tollgated %s\n", TOLLGATE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}

	struct buf gerr = BUF_INIT;
	if (gram_init(&gerr))
		fprintf(stderr, "tollgated: command declarations have errors:\n%s", buf_str(&gerr));
	buf_free(&gerr);
	if (dump) {
		struct buf d = BUF_INIT;
		gram_dump_docs(&d);
		fputs(buf_str(&d), stdout);
		buf_free(&d);
		return 0;
	}

	cfg_init(&tg.running);
	snprintf(tg.startup_path, sizeof(tg.startup_path), "%s", file);
	snprintf(tg.socket_path, sizeof(tg.socket_path), "%s", sock);
	tg.foreground = foreground || check;
	tg.started = time(NULL);
	tg.startup_yaml = startup_is_yaml(file);
	log_init(tg.foreground, 0);

	if (check) {
		struct buf errs = BUF_INIT;
		int rc = startup_load(file, &tg.running, &tg.rejected, &tg.nrejected, &errs);
		fputs(buf_str(&errs), stdout);
		if (rc == 0)
			printf("%s: OK\n", file);
		else if (rc > 0)
			printf("%s: %d line%s rejected\n", file, rc, rc == 1 ? "" : "s");
		buf_free(&errs);
		return rc == 0 ? 0 : 1;
	}

	/* detach first: the threads started below (media relay) would not
	 * survive a fork; the parent waits for tg_daemon_ready() */
	int ready_fd = -1, drc;
	if (!foreground && (drc = tg_daemonize(&ready_fd)) < 0) {
		fprintf(stderr, "tollgated: cannot detach: %s\n", strerror(-drc));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if (loop_init()) {
		perror("tollgated: epoll");
		return 1;
	}
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	loop_add(sfd, EPOLLIN, signal_cb, NULL);
	if (sip_runtime_start()) {
		fprintf(stderr, "tollgated: cannot start the SIP core\n");
		return 1;
	}
	(void)cpu_load_start();      /* for `show processes cpu` */

	/* the startup-config: every bad line is reported, the rest applies */
	struct buf errs = BUF_INIT;
	if (access(file, F_OK) != 0) {
		log_msg(4, "SYS", "NO_STARTUP", "startup-config %s not found; starting with an empty configuration",
			file);
	} else {
		int rc = startup_load(file, &tg.running, &tg.rejected, &tg.nrejected, &errs);
		if (rc < 0)
			log_msg(3, "SYS", "CONFIG_READ", "%s", buf_str(&errs));
		for (int i = 0; i < tg.nrejected; i++)
			log_msg(3, "SYS", "CONFIG_REJECTED", "%s:%d: %s [%s]", file, tg.rejected[i].lineno,
				tg.rejected[i].reason, tg.rejected[i].text);
		log_msg(5, "SYS", "CONFIG_LOADED", "loaded %s: %d line%s rejected%s", file,
			tg.nrejected, tg.nrejected == 1 ? "" : "s",
			tg.nrejected ? " (show startup-config errors)" : "");
	}
	buf_free(&errs);
	/* trustpoints whose files cannot be used are kept, and said so */
	for (size_t i = 0; i < tg.running.trustpoints.n; i++) {
		char perr[512];
		const struct cfg_trustpoint *tp = &tg.running.trustpoints.v[i];
		if (commit_check_trustpoint(tp, perr, sizeof(perr)))
			log_msg(3, "PKI", "TRUSTPOINT", "trustpoint %s: %s (show crypto pki trustpoints)",
				tp->name, perr);
	}
	char err[512];
	dns_init(&tg.running);
	if (sip_runtime_check(&tg.running, NULL, 0, err, sizeof(err)))
		log_msg(3, "SIP", "CONFIG", "%s", err);
	if (commit_apply(&tg.running, err, sizeof(err)))
		log_msg(2, "SYS", "COMMIT", "startup-config applied partly: %s", err);

	mkdir_parent(sock);
	if (ctl_listen(sock, err, sizeof(err))) {
		fprintf(stderr, "tollgated: %s\n", err);
		log_msg(2, "SYS", "SOCKET", "%s", err);
		return 1;
	}
	log_msg(5, "SYS", "START", "tollgated %s ready, control socket %s", TOLLGATE_VERSION, sock);
	tg_daemon_ready(&ready_fd, 0);
	int rc = loop_run();
	ctl_close(sock);
	cpu_load_stop();
	sip_runtime_stop();
	dns_fini();
	tg_clear_rejected();
	cfg_free(&tg.running);
	loop_fini();
	log_fini();
	gram_fini();
	return rc ? 1 : 0;
}
