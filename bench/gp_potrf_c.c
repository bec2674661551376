/* Reference timing of dpotrf_ called from C (bench/gp_vs_sklearn.ts --potrf compiles this).
 * Usage: gp_potrf_c <n> <threads> <repeats>; prints the best wall time in ms.
 * Same matrix as the TS side: A = exp(-3|i-j|/n) + I (column-major, SPD). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t len);
extern void openblas_set_num_threads(int);

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  int n = atoi(argv[1]), threads = atoi(argv[2]), reps = atoi(argv[3]), info = 0;
  openblas_set_num_threads(threads);
  double *a0 = malloc(sizeof(double) * n * n), *a = malloc(sizeof(double) * n * n);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) a0[i + (size_t)j * n] = exp(-3.0 * abs(i - j) / n) + (i == j ? 1.0 : 0.0);
  double best = 1e300;
  for (int r = 0; r < reps; r++) {
    memcpy(a, a0, sizeof(double) * n * n);
    double t0 = now_ms();
    dpotrf_("L", &n, a, &n, &info, 1);
    double t = now_ms() - t0;
    if (t < best) best = t;
  }
  printf("%.3f %d\n", best, info);
  return 0;
}
