import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { tempDir } from '../helpers/server.ts';

describe('timeline settings', () => {
  it('have defaults, read each variable, and refuse bad values naming the variable', () => {
    const dir = tempDir();
    expect(loadConfig({ DATA_DIR: dir }).timeline).toEqual({ maxFrames: 500, pauseMs: 1500, promptChars: 40 });
    expect(loadConfig({ DATA_DIR: dir, TIMELINE_MAX_FRAMES: '40', TIMELINE_PAUSE_MS: '200', TIMELINE_PROMPT_CHARS: '5' }).timeline).toEqual(
      {
        maxFrames: 40,
        pauseMs: 200,
        promptChars: 5,
      },
    );
    for (const [variable, value] of [
      ['TIMELINE_MAX_FRAMES', '9'],
      ['TIMELINE_MAX_FRAMES', 'lots'],
      ['TIMELINE_PAUSE_MS', '10'],
      ['TIMELINE_PROMPT_CHARS', '0'],
    ] as const) {
      const run = () => loadConfig({ DATA_DIR: dir, [variable]: value });
      expect(run).toThrow(ConfigError);
      expect(run).toThrow(new RegExp(`^${variable}: `));
    }
  });
});
