// The security map's logic: view cones, who sees a point, sites and their coverage, outage areas,
// and the import of placements and sites. Pure: no HTTP, no SQL, no processes.
export { MapError, type MapErrorCode } from './errors.ts';
export {
  angleDiff, bboxContains, bboxIntersects, bboxOf, bearingDeg, convexHull, distanceM, fromLocal, isValidLonLat,
  normalizeBearing, pointInRing, ringAreaM2, toLocal, type BBox, type LonLat,
} from './geo.ts';
export { coneBBox, coneContains, conePolygon, type ViewCone } from './cone.ts';
export { GridIndex } from './grid-index.ts';
export { ConeIndex, coverageReport, siteCoverage, type PlacedCone, type SiteCoverage } from './coverage.ts';
export { DEFAULT_OUTAGE_OPTIONS, OutageTracker, outageHull, type OutageArea, type OutageOptions } from './outages.ts';
export { checkPlacement, PLACEMENT_LIMITS, type CameraPlacement, type RawPlacement } from './placement.ts';
export { isSiteKind, SITE_KINDS, type Site, type SiteKind } from './sites.ts';
export {
  acceptImport, checkSite, rejectItems, MAX_IMPORT_BYTES, parseCsvRecords, parsePlacementCsv, parsePlacementGeoJson, parseSitesGeoJson,
  type ImportProblem, type ImportResult,
} from './import.ts';
export { MapService, type Actor as MapActor, type ImportOutcome, type MapStore, type PlacementSnapshot } from './map-service.ts';
export { mercatorPx, viewGrid, type GridCluster, type ViewGrid, type ViewGridOptions, type ViewPoints } from './view-grid.ts';
export { DEMO_ORIGIN, demoCity, placeAtHospitalEntrance, type DemoCamera, type DemoCity } from './demo-city.ts';
export { checkPmtiles, type BasemapInfo } from './pmtiles-check.ts';
export { checkRaster, imageSize, parseCorners, type RasterInfo } from './raster-check.ts';
export { checkMbtiles, MbtilesReader, type MbtilesInfo } from './mbtiles-file.ts';
export { BASEMAP_CONTENT_TYPES, basemapKindOf, BasemapStore, type BasemapUpload, type ImportedBasemapInfo } from './basemap-store.ts';
export { geojsonBasemap } from './basemap-file.ts';
export { encodeGlyphRange, GLYPH_SIZE, sdfGlyph, type PathCommand, type SdfGlyph } from './glyph-sdf.ts';
export { TrueTypeFont } from './truetype.ts';
export { DEFAULT_GLYPH_FONT, GLYPH_FONT_NAME, GlyphSource } from './glyph-font.ts';
