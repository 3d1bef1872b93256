// The value stack's indexes: register owners, deferred-local references, the one flags value.
import { describe, expect, it } from 'vitest';
import { constant, inFlags, inReg, inSlot, Loc, localPlus, ofLocal, ValueStack } from './valueStack.ts';

const I32 = 0x7f;

describe('value stack', () => {
  it('tracks which position owns each register', () => {
    const s = new ValueStack(0);
    s.push(inReg(I32, 3));
    s.push(constant(I32, 5));
    s.push(inReg(I32, 0));
    expect(s.regOwner[3]).toBe(0);
    expect(s.regOwner[0]).toBe(2);
    expect(s.ownedMask).toBe((1 << 3) | 1);
    s.pop();
    expect(s.regOwner[0]).toBe(-1);
    s.replace(0, inSlot(I32, 0));
    expect(s.regOwner[3]).toBe(-1);
    expect(s.ownedMask).toBe(0);
    expect(() => {
      s.push(inReg(I32, 7));
      s.push(inReg(I32, 7));
    }).toThrow(/owned twice/);
  });

  it('knows every position that still refers to a local, in push order', () => {
    const s = new ValueStack(3);
    s.push(ofLocal(I32, 1));
    s.push(ofLocal(I32, 2));
    s.push(localPlus(I32, 1, 4));
    s.push(ofLocal(I32, 1));
    expect(s.refsOf(1)).toEqual([0, 2, 3]);
    expect(s.refsOf(2)).toEqual([1]);
    s.pop();
    expect(s.refsOf(1)).toEqual([0, 2]);
    s.replace(0, inReg(I32, 2)); // settled into a register
    expect(s.refsOf(1)).toEqual([2]);
    expect(s.at(0).loc).toBe(Loc.Reg);
  });

  it('holds at most one value in the flags', () => {
    const s = new ValueStack(0);
    s.push(inFlags(I32, 4));
    expect(s.flagsPos).toBe(0);
    expect(() => s.push(inFlags(I32, 5))).toThrow(/two values in the flags/);
    const t = new ValueStack(0);
    t.push(inFlags(I32, 4));
    t.pop();
    expect(t.flagsPos).toBe(-1);
  });

  it('keeps the lowest-register hint at or below every register value', () => {
    const s = new ValueStack(0);
    for (let i = 0; i < 4; i++) s.push(constant(I32, i));
    s.lowestReg = 4;
    s.replace(1, inReg(I32, 6));
    expect(s.lowestReg).toBe(1);
    while (s.height > 0) s.pop();
    expect(s.lowestReg).toBe(0);
  });
});
