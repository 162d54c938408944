// SPDX-License-Identifier: GPL-2.0
/*
 * Test runner: runs every registered test (sorted by file and line) in a
 * child process of its own, so that a crash or a sanitizer report fails
 * that test alone; prints TAP ("ok N name", "not ok N name", "# TODO"),
 * then a summary and, last, "N passed, M failed" (as scripts/check.sh).
 * Exit status: 0 iff no test failed (known failures marked TODO excepted).
 *
 *   xtcp_unit [-q] [SUBSTRING...]   run only the tests whose name contains
 *                              one; -q prints only failures and the summary
 *   UNIT_NOFORK=1              run in-process (for a debugger)
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "harness.h"

static struct unit_test *tests;
static int ntests;

/* per-test results, shared with the child */
struct unit_result {
	unsigned int checks;
	unsigned int failed;
	size_t diag_len;
	char diag[1 << 16];		/* "#   file:line: ..." lines */
};
static struct unit_result *res;
static jmp_buf abort_jmp;

void unit_register(struct unit_test *t)
{
	t->next = tests;
	tests = t;
	ntests++;
}

bool unit_check(bool ok, const char *file, int line, const char *expr,
		unsigned long long a, unsigned long long b, bool show)
{
	res->checks++;
	if (ok)
		return true;
	res->failed++;
	if (show)
		unit_diag("%s:%d: %s  (%llu [0x%llx] vs %llu [0x%llx])",
			  file, line, expr, a, a, b, b);
	else
		unit_diag("%s:%d: %s", file, line, expr);
	return false;
}

void unit_diag(const char *fmt, ...)
{
	size_t room = sizeof(res->diag) - res->diag_len;
	va_list ap;
	int n;

	if (room < 8)
		return;
	n = snprintf(res->diag + res->diag_len, room, "#   ");
	va_start(ap, fmt);
	n += vsnprintf(res->diag + res->diag_len + n, room - n, fmt, ap);
	va_end(ap);
	if ((size_t)n + 1 < room) {
		res->diag[res->diag_len + n] = '\n';
		res->diag_len += n + 1;
	} else {
		res->diag_len = sizeof(res->diag) - 1;
	}
	res->diag[res->diag_len] = 0;
}

void unit_fail(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	res->failed++;
	unit_diag("%s", buf);
}

void unit_abort_test(void)
{
	longjmp(abort_jmp, 1);
}

static int cmp_test(const void *pa, const void *pb)
{
	const struct unit_test *a = *(struct unit_test * const *)pa;
	const struct unit_test *b = *(struct unit_test * const *)pb;
	int c = strcmp(a->file, b->file);

	return c ? c : a->line - b->line;
}

static void run_one(struct unit_test *t)
{
	if (!setjmp(abort_jmp)) {
		unit_before_each();
		t->fn();
	}
	unit_after_each();
}

static bool selected(const struct unit_test *t, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (strstr(t->name, argv[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct unit_test **v = calloc(ntests, sizeof(*v)), *t;
	bool nofork = getenv("UNIT_NOFORK") && *getenv("UNIT_NOFORK") == '1';
	unsigned int checks = 0, pass = 0, fail = 0, todo = 0, todo_ok = 0;
	struct timespec t0, t1;
	int i, n = 0, num = 0;
	bool quiet = argc > 1 && !strcmp(argv[1], "-q");

	if (quiet) {
		argc--;
		argv++;
	}

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!v || res == MAP_FAILED) {
		perror("xtcp_unit");
		return 2;
	}
	for (t = tests; t; t = t->next)
		if (selected(t, argc, argv))
			v[n++] = t;
	qsort(v, n, sizeof(*v), cmp_test);
	clock_gettime(CLOCK_MONOTONIC, &t0);

	if (!quiet)
		printf("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		const char *why = NULL;
		bool ok;

		t = v[i];
		memset(res, 0, sizeof(*res));
		fflush(stdout);
		if (nofork) {
			run_one(t);
			ok = !res->failed;
		} else {
			pid_t pid = fork();
			int st;

			if (pid < 0) {
				perror("fork");
				return 2;
			}
			if (!pid) {
				run_one(t);
				fflush(stdout);
				_exit(0);
			}
			waitpid(pid, &st, 0);
			ok = !res->failed && WIFEXITED(st) && !WEXITSTATUS(st);
			if (WIFSIGNALED(st))
				why = strsignal(WTERMSIG(st));
			else if (WIFEXITED(st) && WEXITSTATUS(st))
				why = "exited non-zero (sanitizer report?)";
		}
		if (why)
			unit_diag("%s: %s", t->name, why);
		checks += res->checks;
		num++;
		if (t->todo) {
			if (!quiet)
				printf("%s %d %s # TODO %s\n",
				       ok ? "ok" : "not ok", num, t->name,
				       t->todo);
			if (ok)
				todo_ok++;
			else
				todo++;
			if (!quiet)
				fputs(res->diag, stdout);
		} else {
			if (!quiet || !ok)
				printf("%s %d %s\n", ok ? "ok" : "not ok",
				       num, t->name);
			if (ok)
				pass++;
			else
				fail++;
			if (!quiet || !ok)
				fputs(res->diag, stdout);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# unit: %d tests, %u assertions, %.2f s; %u passed, %u failed, "
	       "%u known failures (TODO)%s\n", n, checks,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       pass + todo_ok, fail, todo,
	       todo_ok ? ", some TODO tests now pass: remove their TODO" : "");
	printf("%u passed, %u failed\n", pass + todo_ok, fail);
	free(v);
	return fail ? 1 : 0;
}
