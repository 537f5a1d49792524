import { describe, expect, it } from 'vitest';
import type { DoctorCheck } from '../../../../src/host/doctor-types.js';
import { renderDoctorMessage } from '../../../../src/render/slack/doctor-blocks.js';
import { measureBlockText, SLACK_LIMITS } from '../../../../src/render/slack/limits.js';
import { validateBlocks } from '../../../helpers/slack-standin.js';

describe('renderDoctorMessage()', () => {
  it('escapes what the host printed and redacts secrets; the fix goes under its failure', () => {
    const message = renderDoctorMessage({
      host: 'web-1',
      ok: false,
      checks: [
        { id: 'start_file', ok: true, detail: '/srv/<!channel>/start.php exists', fix: null },
        { id: 'status', ok: false, detail: 'PHP Fatal: mysql://app:Hunter2@db/app & <@U123>', fix: 'run `php /srv/x/start.php status` by hand' },
      ],
    });
    const body = JSON.stringify(message.blocks);
    expect(body).toContain('/srv/&lt;!channel&gt;/start.php');
    expect(body).toContain('&amp; &lt;@U123&gt;');
    expect(body).not.toContain('<!channel>');
    expect(body).not.toContain('Hunter2');
    expect(body).toContain(':x: `status` PHP Fatal');
    expect(body).toContain('*fix:* run `php /srv/x/start.php status` by hand');
    expect(message.text).toBe('Doctor for web-1: 1 problem');
    expect(validateBlocks(message.blocks)).toBeNull();
  });

  it('stays within Slack\'s limits for a very long report and says what did not fit', () => {
    const checks: DoctorCheck[] = Array.from({ length: 300 }, (_, i) => ({ id: `check.${i}`, ok: false, detail: 'x'.repeat(500), fix: 'y'.repeat(500) }));
    const message = renderDoctorMessage({ host: 'web-1', ok: false, checks });
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(measureBlockText(message.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageTextChars);
    for (const block of message.blocks) {
      if (block.type === 'section') expect(Array.from(block.text!.text).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionTextChars);
    }
    expect(JSON.stringify(message.blocks)).toMatch(/\d+ more checks did not fit/);
    expect(validateBlocks(message.blocks)).toBeNull();
  });
});
