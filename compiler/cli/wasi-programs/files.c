// Files under a preopened directory: read one, write one, list the directory; then copy stdin to stdout.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: files DIR\n");
    return 2;
  }
  const char *dir = argv[1];
  char path[512];

  snprintf(path, sizeof path, "%s/input.txt", dir);
  FILE *in = fopen(path, "r");
  if (!in) {
    printf("open %s: %s\n", path, strerror(errno));
    return 1;
  }
  char line[256];
  int lines = 0;
  while (fgets(line, sizeof line, in)) printf("line %d: %s", ++lines, line);
  fclose(in);

  snprintf(path, sizeof path, "%s/output.txt", dir);
  FILE *out = fopen(path, "w");
  if (!out) {
    printf("create %s: %s\n", path, strerror(errno));
    return 1;
  }
  fprintf(out, "%d lines read\n", lines);
  fclose(out);

  DIR *d = opendir(dir);
  int entries = 0;
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) if (e->d_name[0] != '.') entries++;
    closedir(d);
  }
  printf("entries=%d\n", entries);

  // Outside the preopened directory: must fail.
  snprintf(path, sizeof path, "%s/../outside.txt", dir);
  FILE *escape = fopen(path, "r");
  printf("escape: %s\n", escape ? "opened" : "refused");
  if (escape) fclose(escape);
  snprintf(path, sizeof path, "%s/link/outside.txt", dir);
  escape = fopen(path, "r");
  printf("escape through a symlink: %s\n", escape ? "opened" : "refused");
  if (escape) fclose(escape);

  size_t total = 0, got;
  char buf[4096];
  while ((got = fread(buf, 1, sizeof buf, stdin)) > 0) {
    fwrite(buf, 1, got, stdout);
    total += got;
  }
  printf("stdin bytes=%zu\n", total);
  return 0;
}
