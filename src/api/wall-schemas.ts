// Schemas of the video wall's saved layouts and of bookmarks (issue 12). The web app takes its types
// from here (type-only imports of the Static types below).
import { Type, type Static } from '@sinclair/typebox';
import { TimeMs } from './schemas.ts';

// The layouts src/wall draws (its LAYOUT_KINDS and MAX_CUSTOM_SIDE; test/wall/layouts.test.ts keeps
// the two equal). Written out here because the web's compiler reads these schemas and must not
// follow an import into server code.
export const WALL_LAYOUT_VALUES = ['1', '2x2', '3x3', '4x4', '1+5', '1+7', 'custom'] as const;
const MAX_CUSTOM_SIDE = 8;

const Str = Type.String();
const CameraId = Type.String({ minLength: 1, maxLength: 64 });

export const TourSchema = Type.Object(
  {
    dwellSeconds: Type.Integer({ minimum: 3, maximum: 3600, description: 'seconds each page of the tour stays on the wall' }),
    cameraIds: Type.Array(CameraId, { minItems: 1, maxItems: 500, description: 'shown in turn on the tiles, a page per dwell' }),
  },
  { additionalProperties: false },
);

export const WallSpecSchema = Type.Object(
  {
    layout: Type.Union(WALL_LAYOUT_VALUES.map((k) => Type.Literal(k)), { description: '1, 2x2, 3x3, 4x4, 1+5 (one large and five small), 1+7, or custom (cols × rows)' }),
    cols: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CUSTOM_SIDE, description: 'custom layouts only' })),
    rows: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CUSTOM_SIDE, description: 'custom layouts only' })),
    tiles: Type.Array(Type.Union([CameraId, Type.Null()]), { maxItems: MAX_CUSTOM_SIDE * MAX_CUSTOM_SIDE, description: "each tile's camera (null: empty), one per tile of the layout, in the layout's order" }),
    tour: Type.Union([TourSchema, Type.Null()], { default: null }),
  },
  { additionalProperties: false },
);
export type WallSpec = Static<typeof WallSpecSchema>;

export const WallLayoutBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    shared: Type.Boolean({ default: false, description: 'shared with everyone who uses the wall (needs wall.share); else yours only' }),
    spec: WallSpecSchema,
  },
  { additionalProperties: false },
);
export type WallLayoutInput = Static<typeof WallLayoutBody>;
export const WallLayoutUpdateBody = Type.Object(
  { ...WallLayoutBody.properties, version: Type.Integer({ minimum: 1, description: 'the version you read: a layout changed since answers 409' }) },
  { additionalProperties: false },
);

export const WallLayoutSchema = Type.Object({
  id: Str,
  name: Str,
  shared: Type.Boolean(),
  owner: Type.Object({ id: Str, name: Str }),
  spec: WallSpecSchema,
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
  version: Type.Integer(),
  /** the requesting user may change or delete it */
  editable: Type.Boolean(),
});
export type WallLayout = Static<typeof WallLayoutSchema>;
export const WallLayoutListSchema = Type.Object({ layouts: Type.Array(WallLayoutSchema) });
export const WallLayoutParams = Type.Object({ layoutId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

export const BookmarkSchema = Type.Object({
  id: Str,
  cameraId: Str,
  at: Type.Number({ description: 'the moment marked, ms since the epoch' }),
  note: Str,
  createdBy: Type.Object({ id: Str, name: Str }),
  createdAt: Type.Number(),
});
export type Bookmark = Static<typeof BookmarkSchema>;
export const BookmarkBody = Type.Object(
  {
    at: TimeMs('the moment to mark, ms since the epoch'),
    note: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);
export type BookmarkInput = Static<typeof BookmarkBody>;
export const BookmarkQuery = Type.Object(
  {
    from: Type.Optional(TimeMs('from, ms since the epoch (default: 7 days ago)')),
    to: Type.Optional(TimeMs('to, ms since the epoch (default: now)')),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
  },
  { additionalProperties: false },
);
export const BookmarkListSchema = Type.Object({ bookmarks: Type.Array(BookmarkSchema) });
export const BookmarkParams = Type.Object({ id: Type.String({ maxLength: 64 }), bookmarkId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
