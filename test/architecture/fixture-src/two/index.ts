export { y as x } from './inner.ts';
