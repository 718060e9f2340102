// The api part: Fastify HTTP routes and WebSockets, request validation, OpenAPI. The web app takes
// its API types from here (type-only imports of the schemas' static types).
export { buildApi } from './server.ts';
export type { ApiDeps, Guard } from './types.ts';
export { ROUTE_PERMISSIONS, routeKey, type RoutePermission } from './route-permissions.ts';
