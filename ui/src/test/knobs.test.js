import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knobLines, knobsOf } from '../main/web/src/knobs.js';

test('knob lines of a Java and a Python recipe', () => {
  const java = '    static final float LR = 3e-3f; // @knob surface=optimizer range=[1e-4,3e-2]\n'
    + '    static final String OPTIMIZER = "nesterov"; // @knob surface=optimizer\n    int notAKnob = 3;\n';
  assert.deepEqual(knobLines(java), { LR: '3e-3f', OPTIMIZER: '"nesterov"' });
  assert.deepEqual(knobLines('WARMUP = 200  # @knob surface=schedule\n'), { WARMUP: '200' });
});

test('a name two files define is told apart by its file', () => {
  const files = [{ path: 'A.java', text: 'int X = 1; // @knob\n' }, { path: 'b.py', text: 'X = 2  # @knob\n' }, { path: 'big', text: null }];
  assert.deepEqual(knobsOf(files), { X: '1', 'b.py:X': '2' });
});
