import { describe, expect, it } from 'vitest';
import { ReplayTracker } from './replay-tracker';

describe('ReplayTracker', () => {
  it('counts a channel as replaying from its subscribe until the message with the answered seq', () => {
    const t = new ReplayTracker();
    t.expect('process:a');
    expect(t.replaying).toBe(true);
    t.answered('process:a', 3);
    expect(t.arrived('process:a', 1)).toBe(true);
    expect(t.arrived('process:a', 2)).toBe(true);
    expect(t.replaying).toBe(true);
    expect(t.arrived('process:a', 3)).toBe(true);
    expect(t.replaying).toBe(false);
    expect(t.arrived('process:a', 4)).toBe(false);
  });

  it('stays replaying while another subscribe is unanswered', () => {
    const t = new ReplayTracker();
    t.expect('process:a');
    t.expect('process:b');
    t.answered('process:a', 1);
    t.arrived('process:a', 1);
    expect(t.replaying).toBe(true);
    t.answered('process:b', 0);
    expect(t.replaying).toBe(false);
  });

  it('has nothing to replay when the answer is no newer than what was seen', () => {
    const t = new ReplayTracker();
    t.arrived('process:a', 7);
    t.expect('process:a');
    t.answered('process:a', 7);
    expect(t.replaying).toBe(false);
  });

  it('forgets replays on a lost connection and on unsubscribe', () => {
    const t = new ReplayTracker();
    t.expect('process:a');
    t.connectionLost();
    expect(t.replaying).toBe(false);
    t.expect('process:b');
    t.forget('process:b');
    expect(t.replaying).toBe(false);
  });
});
