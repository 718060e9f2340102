// fixture for the parts test: one import through an index, one around it
import { x } from '../two/index.ts';
import { y } from '../two/inner.ts';
export const z = x + y;
