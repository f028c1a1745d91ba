export { startDemoServer, type DemoServer, type DemoServerOptions, type LoggedRequest } from './server.js';
export { demoRoutes } from './routes.js';
export type { Route, RouteContext } from './router.js';
