// A strict parser of the Prometheus text exposition format 0.0.4 (what /metrics serves), written from
// the format's description: https://prometheus.io/docs/instrumenting/exposition_formats/
// It throws on anything a Prometheus server would reject or silently misread, and on what the format
// leaves to convention but scrapers rely on (families contiguous, one TYPE and HELP each before their
// samples, no duplicate series, histogram buckets cumulative and closed by +Inf = _count).

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`, `x_count` for a histogram `x`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string | null;
  type: MetricType;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export class ExpositionError extends Error {
  constructor(lineNo: number, message: string, line: string) {
    super(`line ${lineNo}: ${message}: ${JSON.stringify(line.slice(0, 200))}`);
  }
}

/** Parses exposition text into its families (by name), or throws an ExpositionError naming the line. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith('\n')) throw new ExpositionError(0, 'the text must end with a line feed', text.slice(-40));
  if (text.includes('\r')) throw new ExpositionError(0, 'carriage return in the text (lines end with \\n only)', text);
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  const seriesSeen = new Set<string>();
  const typed = new Set<string>();
  let current: Family | null = null;
  const lines = text.split('\n');
  lines.pop();

  const familyFor = (name: string, lineNo: number, line: string): Family => {
    if (current !== null && current.name !== name) {
      closed.add(current.name);
      current = null;
    }
    if (closed.has(name)) throw new ExpositionError(lineNo, `metric ${name} appears again after another metric (families must be contiguous)`, line);
    let family = families.get(name);
    if (family === undefined) {
      family = { name, help: null, type: 'untyped', samples: [] };
      families.set(name, family);
    }
    current = family;
    return family;
  };

  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (m === null) return; // a comment
      const [, keyword, name, rest = ''] = m;
      if (!METRIC_NAME.test(name!)) throw new ExpositionError(lineNo, `invalid metric name ${name}`, line);
      const family = familyFor(name!, lineNo, line);
      if (keyword === 'HELP') {
        if (family.help !== null) throw new ExpositionError(lineNo, `second HELP for ${name}`, line);
        family.help = unescapeHelp(rest, lineNo, line);
      } else {
        if (family.samples.length > 0) throw new ExpositionError(lineNo, `TYPE for ${name} after its samples`, line);
        if (typed.has(family.name)) throw new ExpositionError(lineNo, `second TYPE for ${name}`, line);
        if (!TYPES.has(rest.trim() as MetricType)) throw new ExpositionError(lineNo, `unknown type "${rest}"`, line);
        family.type = rest.trim() as MetricType;
        typed.add(family.name);
      }
      return;
    }
    const sample = parseSampleLine(line, lineNo);
    const familyName = familyNameOf(sample.name, current);
    const family = familyFor(familyName, lineNo, line);
    checkSampleName(family, sample, lineNo, line);
    const key = `${sample.name}{${Object.entries(sample.labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seriesSeen.has(key)) throw new ExpositionError(lineNo, `duplicate series ${key}`, line);
    seriesSeen.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The family a sample belongs to: its own name, or the current histogram/summary's for a suffixed one. */
function familyNameOf(name: string, current: Family | null): string {
  if (current !== null && (current.type === 'histogram' || current.type === 'summary')) {
    for (const suffix of ['_bucket', '_sum', '_count']) {
      if (name === `${current.name}${suffix}`) return current.name;
    }
  }
  return name;
}

function checkSampleName(family: Family, sample: Sample, lineNo: number, line: string): void {
  if (family.type === 'histogram') {
    const suffix = sample.name.slice(family.name.length);
    if (!['_bucket', '_sum', '_count'].includes(suffix)) throw new ExpositionError(lineNo, `histogram ${family.name} has a sample named ${sample.name}`, line);
    if (suffix === '_bucket' && sample.labels.le === undefined) throw new ExpositionError(lineNo, 'a bucket without le', line);
    if (suffix !== '_bucket' && sample.labels.le !== undefined) throw new ExpositionError(lineNo, `le on ${sample.name}`, line);
  } else if (sample.name !== family.name) {
    throw new ExpositionError(lineNo, `sample ${sample.name} inside family ${family.name}`, line);
  }
  if (family.type === 'counter' && !(sample.value >= 0)) throw new ExpositionError(lineNo, 'a counter below zero or NaN', line);
}

function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: { le: number; value: number }[]; count?: number; sum?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name.endsWith('_bucket')) g.buckets.push({ le: parseValue(le!, 0, `le="${le}"`), value: s.value });
    else if (s.name.endsWith('_count')) g.count = s.value;
    else g.sum = s.value;
  }
  for (const [key, g] of groups) {
    const where = `${family.name}${key}`;
    if (g.count === undefined || g.sum === undefined) throw new Error(`histogram ${where} lacks _count or _sum`);
    for (let i = 1; i < g.buckets.length; i++) {
      if (!(g.buckets[i]!.le > g.buckets[i - 1]!.le)) throw new Error(`histogram ${where}: le not increasing`);
      if (g.buckets[i]!.value < g.buckets[i - 1]!.value) throw new Error(`histogram ${where}: buckets not cumulative`);
    }
    const last = g.buckets.at(-1);
    if (last === undefined || last.le !== Number.POSITIVE_INFINITY) throw new Error(`histogram ${where}: no +Inf bucket`);
    if (last.value !== g.count) throw new Error(`histogram ${where}: +Inf bucket ${last.value} != _count ${g.count}`);
  }
}

/** `name{a="x",b="y"} 1.5 [timestamp]` */
function parseSampleLine(line: string, lineNo: number): Sample {
  let i = 0;
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) throw new ExpositionError(lineNo, 'a sample line must start with a metric name', line);
  const name = nameMatch[0];
  i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i += 1;
    while (line[i] !== '}') {
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (labelMatch === null) throw new ExpositionError(lineNo, `expected a label name at column ${i + 1}`, line);
      const labelName = labelMatch[0];
      if (!LABEL_NAME.test(labelName)) throw new ExpositionError(lineNo, `invalid label name ${labelName}`, line);
      i += labelName.length;
      if (line[i] !== '=' || line[i + 1] !== '"') throw new ExpositionError(lineNo, `expected =" after ${labelName}`, line);
      i += 2;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new ExpositionError(lineNo, `unterminated value of ${labelName}`, line);
        if (c === '"') break;
        if (c === '\\') {
          const e = line[i + 1];
          if (e === '\\') value += '\\';
          else if (e === '"') value += '"';
          else if (e === 'n') value += '\n';
          else throw new ExpositionError(lineNo, `invalid escape \\${e ?? ''} in the value of ${labelName}`, line);
          i += 2;
          continue;
        }
        value += c;
        i += 1;
      }
      i += 1;
      if (Object.hasOwn(labels, labelName)) throw new ExpositionError(lineNo, `label ${labelName} twice`, line);
      labels[labelName] = value;
      if (line[i] === ',') i += 1;
      else if (line[i] !== '}') throw new ExpositionError(lineNo, `expected , or } at column ${i + 1}`, line);
    }
    i += 1;
  }
  if (line[i] !== ' ') throw new ExpositionError(lineNo, 'expected a space before the value', line);
  const parts = line.slice(i + 1).split(' ');
  if (parts.length > 2 || parts[0] === '') throw new ExpositionError(lineNo, 'expected a value and at most a timestamp', line);
  const value = parseValue(parts[0]!, lineNo, line);
  if (parts.length === 2 && !/^-?\d+$/.test(parts[1]!)) throw new ExpositionError(lineNo, 'a timestamp must be an integer (ms)', line);
  return { name, labels, value };
}

function parseValue(text: string, lineNo: number, line: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new ExpositionError(lineNo, `not a number: ${text}`, line);
  return Number(text);
}

function unescapeHelp(text: string, lineNo: number, line: string): string {
  return text.replace(/\\(.?)/g, (_, e: string) => {
    if (e === '\\') return '\\';
    if (e === 'n') return '\n';
    throw new ExpositionError(lineNo, `invalid escape \\${e} in HELP`, line);
  });
}

/** The value of the one sample of `name` whose labels include `labels`; throws unless exactly one matches. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const matches = samplesOf(families, name, labels);
  if (matches.length !== 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches[0]!.value;
}

/** Every sample named `name` (a family or a histogram's `_bucket`/`_sum`/`_count`) whose labels include `labels`. */
export function samplesOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): Sample[] {
  const out: Sample[] = [];
  for (const family of families.values()) {
    for (const s of family.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) out.push(s);
    }
  }
  return out;
}
