import { useEffect, useRef, useState, type FormEvent } from 'react';
import { formatDecimal, formatNumber, formatTime, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { cameraPath } from '../router.ts';
import { polygonProblem } from '../../../src/privacy/polygon.ts';
import { DrawingCanvas, type Shape } from './DrawingCanvas.tsx';
import { getAnalytics, previewPictureUrl, previewRules, putAnalytics, type AnalyticsSettings, type Point, type RulePreview } from './drawing-api.ts';
import { BackLink } from '../components/BackLink.tsx';

type Tool = 'line' | 'zone' | 'mask';
type Cls = 'person' | 'bicycle' | 'car' | 'motorcycle' | 'bus' | 'truck';
const CLASSES: Cls[] = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'];
const DAYS = [1, 2, 3, 4, 5, 6, 0];
const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

interface Fields {
  name: string;
  classes: Cls[];
  dwell: string;
  crowd: string;
  from: string;
  to: string;
  days: number[];
  raise: boolean;
  priority: string;
}

const emptyFields = (tool: Tool): Fields => ({ name: '', classes: [], dwell: '', crowd: '', from: '', to: '', days: [], raise: tool === 'zone', priority: '' });
const minutesOf = (hhmm: string) => { const m = HHMM.exec(hhmm); return m ? Number(m[1]) * 60 + Number(m[2]) : null; };

/** What is wrong with the rule being drawn, in the user's language (null: it can be saved). */
function draftProblem(tool: Tool, draft: Point[], f: Fields, s: AnalyticsSettings): string | null {
  if (tool === 'line') {
    if (draft.length < 2) return t('draw.problem.line');
    if (draft[0][0] === draft[1][0] && draft[0][1] === draft[1][1]) return t('draw.problem.line');
  } else {
    const p = polygonProblem(draft);
    if (p?.kind === 'too_few') return t('draw.problem.tooFew', { n: p.points });
    if (p?.kind === 'crosses') return t('draw.problem.crosses', { a: p.edges[0] + 1, b: p.edges[1] + 1 });
    if (p) return t('draw.problem.noArea');
  }
  if (tool !== 'mask' || f.name) {
    if (!NAME.test(f.name)) return t('draw.problem.name');
    const taken = tool === 'line' ? s.lines.some((l) => l.name === f.name) : tool === 'zone' ? s.zones.some((z) => z.name === f.name) || s.crowd.some((c) => c.name === f.name) : false;
    if (taken) return t('draw.problem.nameTaken', { name: f.name });
  }
  if (tool === 'zone') {
    if (f.dwell && !(Number(f.dwell) > 0)) return t('draw.problem.number', { field: t('draw.dwell') });
    if (f.crowd && !(Number(f.crowd) > 0)) return t('draw.problem.number', { field: t('draw.crowd') });
    if ((f.from || f.to) && (minutesOf(f.from) === null || minutesOf(f.to) === null)) return t('draw.problem.time');
  }
  if (f.priority && !(Number.isInteger(Number(f.priority)) && Number(f.priority) >= 1 && Number(f.priority) <= 255)) return t('draw.problem.priority');
  return null;
}

/** The settings with the drawn rule added (the draft must have no problem). */
function withDraft(s: AnalyticsSettings, tool: Tool, draft: Point[], f: Fields): AnalyticsSettings {
  const next: AnalyticsSettings = structuredClone(s);
  const classes = f.classes.length ? { classes: [...f.classes] } : {};
  const policy = (kind: 'line_crossing' | 'zone_intrusion') => {
    const raiseDefault = kind === 'zone_intrusion';
    if (f.raise === raiseDefault && !f.priority) return;
    next.alarms.unshift({ kind, rule: f.name, raise: f.raise, foldSeconds: 60, instructions: [], ...(f.priority ? { priority: Number(f.priority) } : {}) });
  };
  if (tool === 'line') {
    next.lines.push({ name: f.name, p1: draft[0], p2: draft[1], ...classes });
    policy('line_crossing');
  } else if (tool === 'zone') {
    const from = minutesOf(f.from), to = minutesOf(f.to);
    const schedule = from !== null && to !== null ? { schedule: [{ from, to, ...(f.days.length ? { days: [...f.days] } : {}) }] } : {};
    next.zones.push({ name: f.name, polygon: draft, ...classes, ...schedule });
    if (f.dwell) next.dwell.push({ zone: f.name, seconds: Number(f.dwell) });
    if (f.crowd) next.crowd.push({ name: `${f.name} crowd`.slice(0, 64), polygon: draft, threshold: Number(f.crowd), unit: 'persons' });
    policy('zone_intrusion');
  } else {
    next.masks.push({ polygon: draft, ...(f.name ? { name: f.name } : {}) });
  }
  return next;
}

export function RulesScreen({ id }: { id: string }) {
  useI18n();
  const [settings, setSettings] = useState<AnalyticsSettings | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [tool, setTool] = useState<Tool>('zone');
  const [draft, setDraft] = useState<Point[]>([]);
  const [fields, setFields] = useState<Fields>(emptyFields('zone'));
  const [minutes, setMinutes] = useState(5);
  const [preview, setPreview] = useState<RulePreview | null>(null);
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);

  useEffect(() => {
    getAnalytics(id).then(setSettings, (e: unknown) => setLoadError(e));
  }, [id]);

  const pick = (next: Tool) => { setTool(next); setDraft([]); setFields(emptyFields(next)); setPreview(null); };
  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => setFields((f) => ({ ...f, [k]: v }));
  const problem = settings && draft.length > 0 ? draftProblem(tool, draft, fields, settings) : null;
  const drawing = draft.length > 0;
  const candidate = settings && drawing && !problem ? withDraft(settings, tool, draft, fields) : settings;

  const shapes: Shape[] = settings ? [
    ...settings.lines.map((l): Shape => ({ kind: 'line', points: [l.p1, l.p2], tone: 'rule', label: l.name, arrow: true })),
    ...settings.zones.map((z): Shape => ({ kind: 'polygon', points: z.polygon, tone: 'rule', label: z.name })),
    ...settings.masks.map((m): Shape => ({ kind: 'polygon', points: m.polygon, tone: 'mask', label: m.name ?? t('draw.mask') })),
  ] : [];
  if (problem && tool !== 'line' && draft.length >= 3) shapes.push({ kind: 'polygon', points: draft, tone: 'error' });
  const maxPoints = tool === 'line' ? 2 : 64;

  const runPreview = async () => {
    if (!candidate) return;
    setBusy('preview'); setError(null); setPreview(null);
    try { setPreview(await previewRules(id, candidate, minutes)); } catch (e) { setError(e); } finally { setBusy(null); }
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!candidate || problem) return;
    setBusy('save'); setError(null);
    try {
      setSettings(await putAnalytics(id, candidate));
      setDraft([]); setFields(emptyFields(tool)); setSaved(Date.now());
    } catch (e) { setError(e); } finally { setBusy(null); }
  };
  const remove = (kind: 'lines' | 'zones' | 'masks', index: number) => {
    if (!settings) return;
    const next = structuredClone(settings);
    if (kind === 'zones') {
      const name = next.zones[index].name;
      next.dwell = next.dwell.filter((d) => d.zone !== name);
    }
    next[kind].splice(index, 1);
    setSettings(next);
    setSaved(null);
  };

  return (
    <main className="camera-screen" id="content" data-testid="rules-screen">
      <div className="toolbar">
        <BackLink to={cameraPath(id)} label="draw.backToCamera" />
        <h1 className="toolbar-title">{t('draw.rulesTitle')}</h1>
        <span className="toolbar-info">{t('draw.rulesHelp')}</span>
      </div>
      {loadError !== null && <p className="banner banner-error" role="alert" dir="auto">{errorText(loadError)}</p>}
      <div className="draw-layout">
        <DrawingCanvas
          cameraId={id}
          shapes={shapes}
          draft={draft}
          draftKind={tool === 'line' ? 'line' : 'polygon'}
          onAdd={draft.length < maxPoints ? (p) => { setDraft((d) => [...d, p]); setPreview(null); } : null}
          onMove={(i, p) => { setDraft((d) => d.map((q, j) => (j === i ? p : q))); setPreview(null); }}
        />
        <aside className="draw-side">
          <section className="panel" aria-labelledby="tool-title">
            <h2 id="tool-title" className="panel-title">{t('draw.tool')}</h2>
            <div className="segmented" role="radiogroup" aria-label={t('draw.tool')}>
              {(['line', 'zone', 'mask'] as Tool[]).map((k) => (
                <button key={k} type="button" role="radio" aria-checked={tool === k} className={tool === k ? 'is-active' : undefined} onClick={() => pick(k)} data-testid={`tool-${k}`}>
                  {t(`draw.tool.${k}` as MessageKey)}
                </button>
              ))}
            </div>
            <p className="muted">{t(`draw.howto.${tool}` as MessageKey)}</p>
            <div className="draw-row">
              <span className="muted" data-testid="draft-count">{t('draw.points', { n: draft.length })}</span>
              <button type="button" className="button" disabled={!drawing} onClick={() => setDraft((d) => d.slice(0, -1))} data-testid="draft-undo">{t('draw.undo')}</button>
              <button type="button" className="button" disabled={!drawing} onClick={() => { setDraft([]); setPreview(null); }} data-testid="draft-clear">{t('draw.clear')}</button>
            </div>
            {problem && <p className="draw-problem" role="alert" data-testid="draft-problem">{problem}</p>}
            {drawing && !problem && <p className="draw-ok" data-testid="draft-ok">{t('draw.ready')}</p>}
          </section>

          {settings && (
            <form className="panel draw-form" onSubmit={save} aria-labelledby="rule-title">
              <h2 id="rule-title" className="panel-title">{t(`draw.rule.${tool}` as MessageKey)}</h2>
              <label className="draw-row">{tool === 'mask' ? t('draw.nameOptional') : t('draw.name')}
                <input type="text" name="rule-name" dir="ltr" value={fields.name} maxLength={64} onChange={(e) => set('name', e.target.value)} placeholder={t('draw.namePlaceholder')} />
              </label>
              {tool !== 'mask' && (
                <fieldset className="draw-row">
                  <legend className="muted">{t('draw.classes')}</legend>
                  {CLASSES.map((c) => (
                    <label key={c} className="draw-check">
                      <input type="checkbox" checked={fields.classes.includes(c)} onChange={(e) => set('classes', e.target.checked ? [...fields.classes, c] : fields.classes.filter((x) => x !== c))} />
                      {t(`draw.class.${c}` as MessageKey)}
                    </label>
                  ))}
                </fieldset>
              )}
              {tool === 'zone' && (
                <>
                  <label className="draw-row">{t('draw.dwell')}
                    <input type="number" name="dwell" min={1} step={1} value={fields.dwell} onChange={(e) => set('dwell', e.target.value)} />
                    <span className="muted">{t('draw.seconds')}</span>
                  </label>
                  <label className="draw-row">{t('draw.crowd')}
                    <input type="number" name="crowd" min={1} step={1} value={fields.crowd} onChange={(e) => set('crowd', e.target.value)} />
                    <span className="muted">{t('draw.persons')}</span>
                  </label>
                  <div className="draw-row">
                    <span>{t('draw.schedule')}</span>
                    <input type="text" name="from" dir="ltr" inputMode="numeric" placeholder="22:00" value={fields.from} onChange={(e) => set('from', e.target.value)} aria-label={t('draw.from')} />
                    <span className="flip-rtl" aria-hidden="true">→</span>
                    <input type="text" name="to" dir="ltr" inputMode="numeric" placeholder="06:00" value={fields.to} onChange={(e) => set('to', e.target.value)} aria-label={t('draw.to')} />
                    <span className="muted">{t('draw.scheduleHelp')}</span>
                  </div>
                  <fieldset className="draw-row">
                    <legend className="muted">{t('draw.days')}</legend>
                    {DAYS.map((d) => (
                      <label key={d} className="draw-check">
                        <input type="checkbox" checked={fields.days.includes(d)} onChange={(e) => set('days', e.target.checked ? [...fields.days, d] : fields.days.filter((x) => x !== d))} />
                        {t(`draw.day.${d}` as MessageKey)}
                      </label>
                    ))}
                  </fieldset>
                </>
              )}
              {tool !== 'mask' && (
                <div className="draw-row">
                  <label className="draw-check"><input type="checkbox" name="raise" checked={fields.raise} onChange={(e) => set('raise', e.target.checked)} />{t('draw.raise')}</label>
                  <label className="draw-row">{t('draw.priority')}
                    <input type="number" name="priority" min={1} max={255} value={fields.priority} onChange={(e) => set('priority', e.target.value)} placeholder={t('draw.priorityDefault')} />
                  </label>
                </div>
              )}
              <label className="draw-check">
                <input type="checkbox" checked={settings.enabled} onChange={(e) => setSettings({ ...settings, enabled: e.target.checked })} name="enabled" />
                {t('draw.enabled')}
              </label>
              <div className="draw-row">
                <label className="draw-row">{t('draw.previewOver')}
                  <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} name="minutes">
                    {[1, 2, 5, 10].map((m) => <option key={m} value={m}>{t('draw.minutes', { n: m })}</option>)}
                  </select>
                </label>
                <button type="button" className="button" disabled={busy !== null || Boolean(problem)} onClick={runPreview} data-testid="preview">
                  {busy === 'preview' ? t('draw.previewing') : t('draw.preview')}
                </button>
                <button type="submit" className="button button-primary" disabled={busy !== null || Boolean(problem)} data-testid="save-rules">{t('draw.save')}</button>
              </div>
              {saved !== null && <p className="draw-ok" role="status" data-testid="rules-saved">{t('draw.saved', { time: formatTime(saved) })}</p>}
              {error !== null && <p className="banner banner-error" role="alert" dir="auto" data-testid="rules-error">{errorText(error)}</p>}
              <p className="audit-notice audit-notice-block"><span className="audit-dot" aria-hidden="true" />{t('draw.audited')}</p>
            </form>
          )}

          {preview && <PreviewPanel cameraId={id} preview={preview} draftName={drawing ? fields.name : null} />}

          {settings && (
            <section className="panel" aria-labelledby="existing-title" data-testid="existing-rules">
              <h2 id="existing-title" className="panel-title">{t('draw.existing')}</h2>
              {settings.lines.length + settings.zones.length + settings.masks.length === 0 && <p className="muted">{t('draw.none')}</p>}
              <ul className="draw-hits">
                {(['lines', 'zones', 'masks'] as const).flatMap((kind) => settings[kind].map((r, i) => (
                  <li key={`${kind}${i}`} className="draw-row">
                    <span>{t(`draw.kind.${kind}` as MessageKey)}</span>
                    <strong dir="auto">{r.name ?? t('draw.mask')}</strong>
                    <button type="button" className="button button-quiet" onClick={() => remove(kind, i)}>{t('draw.remove')}</button>
                  </li>
                )))}
              </ul>
            </section>
          )}
        </aside>
      </div>
    </main>
  );
}

function PreviewPanel({ cameraId, preview, draftName }: { cameraId: string; preview: RulePreview; draftName: string | null }) {
  const total = preview.counts.reduce((s, c) => s + c.hits, 0);
  const panel = useRef<HTMLElement | null>(null);
  // The answer comes below a long form: bring it into view when it arrives.
  useEffect(() => { panel.current?.scrollIntoView({ block: 'nearest' }); }, [preview.id]);
  const mine = draftName ? preview.counts.filter((c) => c.rule === draftName || c.rule === `${draftName} crowd`) : [];
  return (
    <section className="panel" aria-labelledby="preview-title" data-testid="preview-panel" ref={panel}>
      <h2 id="preview-title" className="panel-title">{t('draw.previewTitle')}</h2>
      <p>{t('draw.previewSpan', { seconds: formatDecimal(preview.seconds, 0), frames: formatNumber(preview.frames), from: formatTime(preview.fromMs), to: formatTime(preview.toMs) })}</p>
      {draftName && (
        <p className="draw-figure" data-testid="preview-draft-count">
          {t('draw.previewDraft', { name: draftName, hits: formatNumber(mine.reduce((s, c) => s + c.hits, 0)), alarms: formatNumber(mine.reduce((s, c) => s + c.alarms, 0)) })}
        </p>
      )}
      {total === 0 && <p className="muted" data-testid="preview-nothing">{t('draw.previewNothing')}</p>}
      {preview.counts.length > 0 && (
        <table className="table" data-testid="preview-counts">
          <thead><tr><th scope="col">{t('draw.rule')}</th><th scope="col" className="num">{t('draw.hits')}</th><th scope="col" className="num">{t('draw.alarms')}</th></tr></thead>
          <tbody>
            {preview.counts.map((c) => (
              <tr key={`${c.kind}${c.rule}`}><td dir="auto">{c.rule} <span className="muted">({t(`draw.ruleKind.${c.kind}` as MessageKey)})</span></td><td className="num">{formatNumber(c.hits)}</td><td className="num">{formatNumber(c.alarms)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <ul className="draw-hits" data-testid="preview-hits">
        {preview.hits.slice(0, 30).map((h, i) => (
          <li key={i} className="draw-hit" data-testid="preview-hit">
            {h.snapshot !== null ? <img src={previewPictureUrl(cameraId, preview.id, h.snapshot)} alt={t('draw.hitPicture', { time: formatTime(h.at) })} loading="lazy" /> : <span />}
            <span>
              <time dateTime={new Date(h.at).toISOString()} className="draw-figure">{formatTime(h.at)}</time>{' '}
              <span dir="auto">{h.rule}</span>{h.cls ? ` · ${t(`draw.class.${h.cls}` as MessageKey)}` : ''}
              {h.direction ? ` · ${t(h.direction === 'positive' ? 'draw.positive' : 'draw.negative')}` : ''}
              {' · '}{h.raises ? t('draw.wouldAlarm', { priority: h.priority }) : t('draw.wouldCount')}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
