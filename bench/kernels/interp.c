/* A switch-dispatched bytecode interpreter (a small stack machine) running a program that sums the
   Collatz step counts of every n below BOUND. The program is assembled in setup(), labels fixed up. */
#include "kernel.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, SHR, AND, LT, EQ, JMP, JZ, JNZ, DUP, POP, HALT };
enum { VAR_N, VAR_X, VAR_STEPS, VAR_TOTAL };
enum { L_OUTER, L_INNER, L_EVEN, L_STEP, L_DONE, NLABELS };
#define BOUND 70000

static int32_t code[128];
static int ncode, label_at[NLABELS], fixup_at[32], fixup_label[32], nfixups;

static void op(int32_t o) { code[ncode++] = o; }
static void op1(int32_t o, int32_t arg) { op(o); op(arg); }
static void jump(int32_t o, int label) {
  op(o);
  fixup_at[nfixups] = ncode, fixup_label[nfixups++] = label;
  op(0);
}
static void label(int l) { label_at[l] = ncode; }

void setup(void) {
  op1(PUSH, 1), op1(STORE, VAR_N), op1(PUSH, 0), op1(STORE, VAR_TOTAL);
  label(L_OUTER);
  op1(LOAD, VAR_N), op1(STORE, VAR_X), op1(PUSH, 0), op1(STORE, VAR_STEPS);
  label(L_INNER);
  op1(LOAD, VAR_X), op1(PUSH, 1), op(EQ), jump(JNZ, L_DONE);
  op1(LOAD, VAR_X), op1(PUSH, 1), op(AND), jump(JZ, L_EVEN);
  op1(LOAD, VAR_X), op1(PUSH, 3), op(MUL), op1(PUSH, 1), op(ADD), op1(STORE, VAR_X), jump(JMP, L_STEP);
  label(L_EVEN);
  op1(LOAD, VAR_X), op1(PUSH, 1), op(SHR), op1(STORE, VAR_X);
  label(L_STEP);
  op1(LOAD, VAR_STEPS), op1(PUSH, 1), op(ADD), op1(STORE, VAR_STEPS), jump(JMP, L_INNER);
  label(L_DONE);
  op1(LOAD, VAR_TOTAL), op1(LOAD, VAR_STEPS), op(ADD), op1(STORE, VAR_TOTAL);
  op1(LOAD, VAR_N), op1(PUSH, 1), op(ADD), op(DUP), op1(STORE, VAR_N), op1(PUSH, BOUND), op(LT), jump(JNZ, L_OUTER);
  op1(LOAD, VAR_TOTAL), op(HALT);
  for (int i = 0; i < nfixups; i++) code[fixup_at[i]] = label_at[fixup_label[i]];
}

static uint32_t execute(const int32_t *pc0) {
  uint32_t stack[64], vars[8] = {0};
  uint32_t *sp = stack;
  const int32_t *pc = pc0;
  for (;;) {
    switch (*pc++) {
      case PUSH: *sp++ = (uint32_t)*pc++; break;
      case LOAD: *sp++ = vars[*pc++]; break;
      case STORE: vars[*pc++] = *--sp; break;
      case ADD: sp--, sp[-1] += sp[0]; break;
      case SUB: sp--, sp[-1] -= sp[0]; break;
      case MUL: sp--, sp[-1] *= sp[0]; break;
      case SHR: sp--, sp[-1] >>= sp[0]; break;
      case AND: sp--, sp[-1] &= sp[0]; break;
      case LT: sp--, sp[-1] = sp[-1] < sp[0]; break;
      case EQ: sp--, sp[-1] = sp[-1] == sp[0]; break;
      case JMP: pc = pc0 + *pc; break;
      case JZ: pc = *--sp == 0 ? pc0 + *pc : pc + 1; break;
      case JNZ: pc = *--sp != 0 ? pc0 + *pc : pc + 1; break;
      case DUP: sp[0] = sp[-1], sp++; break;
      case POP: sp--; break;
      case HALT: return sp[-1];
      default: return KERNEL_FAILED;
    }
  }
}

uint32_t run(void) { return execute(code); }
