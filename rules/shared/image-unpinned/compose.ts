// STUB: the compose handler of image-unpinned (owned by the compose work).
import type { Handler } from '../../../src/engine/rule.js';
import type { MessageId, Options } from './rule.js';

export const checkCompose: Handler<'compose', MessageId, Options> = () => {};
