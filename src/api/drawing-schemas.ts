// The answer of a rule preview (issue 12 item 7), apart from the routes so that the web's types
// come from it (src/api/contract.ts). Imports nothing but TypeBox.
import { Type, type Static } from '@sinclair/typebox';

export const PreviewReplySchema = Type.Object({
  id: Type.String({ description: 'the preview: its pictures are at ./preview/{id}/{n} (PNG) for 10 minutes, for the user who ran it' }),
  fromMs: Type.Integer(),
  toMs: Type.Integer({ description: 'end of the analysed recording (ms since the epoch)' }),
  frames: Type.Integer({ description: 'frames analysed' }),
  seconds: Type.Number({ description: 'seconds of recording analysed (gaps skipped)' }),
  counts: Type.Array(Type.Object({ kind: Type.String(), rule: Type.String(), hits: Type.Integer(), alarms: Type.Integer({ description: 'hits that would have raised (or folded into) an alarm' }) })),
  hits: Type.Array(Type.Object({
    at: Type.Integer({ description: 'wall-clock ms of the frame' }),
    kind: Type.String(), rule: Type.String(),
    cls: Type.Union([Type.String(), Type.Null()]),
    direction: Type.Union([Type.Literal('positive'), Type.Literal('negative'), Type.Null()]),
    trackId: Type.Union([Type.Integer(), Type.Null()]),
    box: Type.Union([Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), Type.Null()]),
    detail: Type.Union([Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()])), Type.Null()]),
    raises: Type.Boolean(), priority: Type.Integer(),
    snapshot: Type.Union([Type.Integer(), Type.Null()], { description: 'n of the picture of this hit, or null' }),
  })),
  snapshots: Type.Integer({ description: 'pictures kept (heads pixelated, masks applied for the viewer)' }),
  width: Type.Integer(), height: Type.Integer(),
});
export type PreviewReply = Static<typeof PreviewReplySchema>;

