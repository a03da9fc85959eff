#ifndef GW_TEST_MAIN_H
#define GW_TEST_MAIN_H

/* A test file lists its tests as `GW_TEST(name),` lines inside GW_TESTS; CMake reads the same lines
 * to register each with CTest. With CMOCKA_TEST_ONLY set, only that test runs (cmocka's own filter
 * is a glob, and names that are prefixes of others would run twice). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define GW_TEST(name) cmocka_unit_test(name)

static inline int gw_run_tests(const char *group, const struct CMUnitTest *tests, size_t count) {
  const char *only = getenv("CMOCKA_TEST_ONLY");
  if (only == NULL || only[0] == '\0') return _cmocka_run_group_tests(group, tests, count, NULL, NULL);
  for (size_t i = 0; i < count; i++) {
    if (strcmp(tests[i].name, only) == 0) return _cmocka_run_group_tests(group, &tests[i], 1, NULL, NULL);
  }
  print_error("no test named %s in %s\n", only, group);
  return 1;
}

#define GW_RUN_TESTS(tests) gw_run_tests(#tests, tests, sizeof(tests) / sizeof((tests)[0]))

#endif
