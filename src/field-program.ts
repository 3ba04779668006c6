/**
 * What the field conditions (contract §8) act on: one mini program's settings, its delivery gate and its sockets.
 * The `wx` object's program implements it; the app lifecycle and the network status only see this.
 */
import type { DeliveryGate } from './delivery-gate.js';
import type { Settings } from './options.js';
import type { TaskController } from './task-controller.js';

export interface FieldProgram {
  readonly settings: Settings;
  readonly gate: DeliveryGate;
  /** The tasks not yet CLOSED, as they are now: a copy, which acting on one (it may end) leaves as it is. */
  liveTasks(): readonly TaskController[];
}
