// STUB: the helm handler of image-unpinned (owned by the helm work).
import type { Handler } from '../../../src/engine/rule.js';
import type { MessageId, Options } from './rule.js';

export const checkHelm: Handler<'helm', MessageId, Options> = () => {};
