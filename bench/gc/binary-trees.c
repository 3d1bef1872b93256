// Binary trees in C, the same program as binary-trees.wat: each tree built with malloc and
// freed after its walk, the long-lived tree freed at the end. Prints the node-count sum.
#include <stdio.h>
#include <stdlib.h>

struct node { struct node *left, *right; };

static struct node *make(int depth) {
  struct node *n = malloc(sizeof *n);
  if (depth) { n->left = make(depth - 1); n->right = make(depth - 1); }
  else n->left = n->right = NULL;
  return n;
}

static int check(const struct node *t) {
  return t->left ? 1 + check(t->left) + check(t->right) : 1;
}

static void release(struct node *t) {
  if (t->left) { release(t->left); release(t->right); }
  free(t);
}

int main(int argc, char **argv) {
  int max = argc > 1 ? atoi(argv[1]) : 16;
  struct node *longLived = make(max);
  long long sum = 0;
  for (int depth = 4; depth <= max; depth += 2) {
    int n = 1 << (max - depth + 4);
    for (int i = 0; i < n; i++) {
      struct node *t = make(depth);
      sum += check(t);
      release(t);
    }
  }
  sum += check(longLived);
  release(longLived);
  printf("%lld\n", sum);
  return 0;
}
