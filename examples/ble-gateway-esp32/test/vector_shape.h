#ifndef GW_VECTOR_SHAPE_H
#define GW_VECTOR_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One line of packages/devices/vectors/gateway-lines.jsonl, as tools/vectors-to-c.mjs writes it. */
typedef enum {
  GW_VECTOR_GOOD,        /* a line and its meaning: `type` and `args` in the order the generator lists */
  GW_VECTOR_ANSWER,      /* a bad command line and the ERR the gateway answers */
  GW_VECTOR_IGNORED,     /* not protocol: no answer */
  GW_VECTOR_AGENT_ERROR, /* a damaged gateway line: the agent's side only */
} gw_vector_kind;

typedef struct {
  const char *id;
  bool command;
  const char *line;
  size_t length;
  gw_vector_kind kind;
  const char *type;
  const char *args[5]; /* text of each field; NULL when absent; "-" for a null id */
  int32_t answer_id;   /* -1: the answer carries "-" */
  const char *answer_code;
} gw_vector;

#endif
