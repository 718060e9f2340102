// Plates for eval:plates and the plate tests, made by the project: a plate (white, black border,
// black characters in a real plate-like font from Debian) rendered by ffmpeg's drawtext, scaled to
// a width in pixels, turned by an angle, pasted onto a real road frame (the shared clips, scaled
// to 1600 px wide), blurred and JPEG-compressed; then decoded back to RGB. The vehicle box the
// reader is given is drawn around the plate as a car's rear would be (the plate a quarter of its
// width, low in it), with the road frame's own clutter around.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';

const run = promisify(execFile);

/** Plate-like fonts (Helvetica Narrow and Arial Narrow metrics, a condensed DejaVu), from Debian. */
export const PLATE_FONTS = [
  '/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Bold.otf',
  '/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf',
];

export interface PlateSpec {
  text: string;
  font: string;
  /** plate width in frame pixels */
  widthPx: number;
  angleDeg: number;
  blurSigma: number;
  jpegQuality: number;
  /** top-left of the plate's unrotated box in the frame, px */
  x: number;
  y: number;
  /** the vehicle box around it, normalised */
  box: [number, number, number, number];
}

export interface RenderedPlate { spec: PlateSpec; rgb: Uint8Array; width: number; height: number }

/** A road frame of a clip at time t, 1600 px wide, as PNG on disk. */
export async function roadFrame(clip: string, t: number, out: string): Promise<{ width: number; height: number }> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-ss', String(t), '-i', clip, '-frames:v', '1', '-vf', 'scale=1600:-2', out]);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', out]);
  const [width, height] = stdout.trim().split(',').map(Number);
  return { width, height };
}

/** Letters (without I, O, Q, which many plate systems leave out as they read as 1 and 0) and digits in a pattern like "AB 123 CD". */
export function plateText(rnd: () => number): string {
  const L = 'ABCDEFGHJKLMNPRSTUVWXYZ', D = '0123456789';
  const pick = (s: string) => s[Math.floor(rnd() * s.length)];
  const patterns = ['LL DDD LL', 'LLL DDDD', 'DD LLL DD', 'L DDDD LL', 'LL DDDDD'];
  return patterns[Math.floor(rnd() * patterns.length)].replace(/[LD]/g, (c) => pick(c === 'L' ? L : D));
}

/** Draws a plate spec for a frame of this size from the random source. */
export function plateSpec(rnd: () => number, frame: { width: number; height: number }, widthRange: [number, number]): PlateSpec {
  const widthPx = Math.round(widthRange[0] + rnd() * (widthRange[1] - widthRange[0]));
  const plateH = widthPx * (110 / 520);
  const vw = widthPx / (0.22 + rnd() * 0.1), vh = vw * (0.75 + rnd() * 0.25);
  const relX = 0.4 + rnd() * 0.2, relY = 0.68 + rnd() * 0.17;
  // the plate wholly in the frame, in its lower two thirds where the road is; the vehicle around it (cut by the frame's edge when it must be)
  const m = widthPx * 0.6;
  const pcx = m + rnd() * Math.max(1, frame.width - 2 * m), pcy = Math.max(frame.height / 3, m / 2) + rnd() * Math.max(1, frame.height * (2 / 3) - m);
  const bx0 = pcx - vw * relX, by0 = pcy - vh * relY;
  const x = Math.round(pcx - widthPx / 2), y = Math.round(pcy - plateH / 2);
  const c = (v: number) => Math.max(0, Math.min(1, v));
  const box: [number, number, number, number] = [c(bx0 / frame.width), c(by0 / frame.height), c((bx0 + vw) / frame.width), c((by0 + vh) / frame.height)];
  return {
    text: plateText(rnd), font: PLATE_FONTS[Math.floor(rnd() * PLATE_FONTS.length)], widthPx,
    angleDeg: (rnd() - 0.5) * 20, blurSigma: rnd() * 1.2, jpegQuality: Math.round(30 + rnd() * 60), x, y, box,
  };
}

/** Renders the plate onto the road frame (PNG at framePath), compresses it, returns the decoded RGB. */
export async function renderPlate(spec: PlateSpec, framePath: string, frame: { width: number; height: number }, dir: string, name: string): Promise<RenderedPlate> {
  const a = (spec.angleDeg * Math.PI) / 180;
  const text = spec.text.replace(/ /g, '\\ ');
  const plate = [
    'color=c=white:s=520x110:d=1,format=rgba',
    'drawbox=x=0:y=0:w=iw:h=ih:color=black:t=6',
    `drawtext=fontfile=${spec.font}:text=${text}:fontsize=84:fontcolor=black:x=(w-text_w)/2:y=(h-text_h)/2`,
    `scale=${spec.widthPx}:-2:flags=area`,
    `rotate=${a.toFixed(4)}:c=none:ow=rotw(${a.toFixed(4)}):oh=roth(${a.toFixed(4)})`,
  ].join(',');
  const graph = `${plate}[p];[0:v][p]overlay=x=${spec.x}:y=${spec.y}${spec.blurSigma > 0.05 ? `,gblur=sigma=${spec.blurSigma.toFixed(2)}` : ''}[o]`;
  const jpg = join(dir, `${name}.jpg`);
  // ffmpeg's -q:v runs 2 (best) … 31; map a 0–100 quality onto it
  const q = Math.max(2, Math.min(31, Math.round(31 - (spec.jpegQuality / 100) * 29)));
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', framePath, '-filter_complex', graph, '-map', '[o]', '-frames:v', '1', '-q:v', String(q), jpg]);
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', jpg, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 64 << 20 });
  return { spec, rgb: new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length), width: frame.width, height: frame.height };
}
