import { describe, expect, it } from 'vitest';
import { parsePrometheusText, valueOf } from '../../helpers/parse-prometheus-text.js';

// The test helper that reads /metrics must itself reject what Prometheus rejects, or the metrics
// tests would pass on broken output.

const OK = '# HELP a_total A counter.\n# TYPE a_total counter\na_total{x="1"} 2\n';

describe('parsePrometheusText() (test helper)', () => {
  it('parsePrometheusText() reads escapes in label values and HELP back to the original text', () => {
    const families = parsePrometheusText('# HELP g Line one\\nback\\\\slash.\n# TYPE g gauge\ng{n="q\\"b\\\\s\\nn",m="x"} -1.5e3\n');
    expect(families.get('g')!.help).toBe('Line one\nback\\slash.');
    expect(valueOf(families, 'g', { n: 'q"b\\s\nn', m: 'x' })).toBe(-1500);
  });

  it.each([
    ['an unescaped quote in a label value', 'a_total{x="a"b"} 1\n'],
    ['an unknown escape in a label value', 'a_total{x="a\\tb"} 1\n'],
    ['a raw newline inside a label value', 'a_total{x="a\nb"} 1\n'],
    ['a missing final line feed', 'a_total 1'],
    ['a carriage return', 'a_total 1\r\n'],
    ['a value that is not a number', 'a_total one\n'],
    ['a duplicate series', `${OK}a_total{x="1"} 3\n`],
    ['a second TYPE', `${OK}# TYPE a_total counter\n`],
    ['a TYPE after samples', 'b 1\n# TYPE b gauge\n'],
    ['a family split in two', 'b 1\nc 1\nb{x="2"} 1\n'],
    ['a counter below zero', '# TYPE a_total counter\na_total -1\n'],
    ['a label twice', 'b{x="1",x="2"} 1\n'],
    ['an invalid label name', 'b{1x="1"} 1\n'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['a histogram whose buckets fall', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['a histogram whose +Inf is not _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n'],
  ])('parsePrometheusText() rejects %s', (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
