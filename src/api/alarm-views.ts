// Who sees and handles which alarm (access's actions, scope-aware through the guard), and an alarm
// as a given user sees it (the commands offered are the ones they may give). Shared by the alarm
// routes, their history and the live socket.
import type { Static } from '@sinclair/typebox';
import type { Action, Principal } from '../access/index.ts';
import type { AlarmCommandType, AlarmService, AlarmView } from '../events/index.ts';
import type { AlarmRow } from '../store/index.ts';
import type { Alarm, AlarmSchema } from './alarm-schemas.ts';
import type { Guard } from './types.ts';

// The events part's alarm view and the response schema must agree: checked when this compiles.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const alarmViewMatchesSchema: Same<AlarmView, Static<typeof AlarmSchema>> = true;
void alarmViewMatchesSchema;

export const SEE_ALARMS: Action = 'alarm.see';
/** Escalations (not acknowledged in time) go to the holders of this: supervisors and admins. */
export const SUPERVISE_ALARMS: Action = 'alarm.supervise';

/** What each workflow command takes (src/access/permissions.ts grants them per role). */
export const COMMAND_ACTION: Record<Exclude<AlarmCommandType, 'escalate' | 'auto_close'>, Action> = {
  ack: 'alarm.ack',
  take: 'alarm.take',
  release: 'alarm.take',
  hold: 'alarm.take',
  step: 'alarm.take',
  priority: 'alarm.take',
  snooze: 'alarm.take',
  resolve: 'alarm.resolve',
  reopen: 'alarm.resolve',
  comment: 'alarm.comment',
};

export interface AlarmAccess {
  seesCamera(user: Principal, cameraId: string | null): boolean;
  views(rows: AlarmRow[], user: Principal): Promise<Alarm[]>;
  view(row: AlarmRow, user: Principal): Promise<Alarm>;
  supervises(user: Principal): boolean;
}

export function alarmAccess(alarms: AlarmService, guard: Guard): AlarmAccess {
  const seesCamera = (user: Principal, cameraId: string | null) => cameraId !== null && guard.can(user, SEE_ALARMS, { type: 'camera', id: cameraId });
  const views = (rows: AlarmRow[], user: Principal) =>
    alarms.views(rows, { id: user.id, name: user.username }, (command, cameraId) => {
      const action = COMMAND_ACTION[command as keyof typeof COMMAND_ACTION];
      return action !== undefined && guard.can(user, action, { type: 'camera', id: cameraId });
    });
  return {
    seesCamera,
    views,
    view: async (row, user) => (await views([row], user))[0],
    supervises: (user) => guard.can(user, SUPERVISE_ALARMS, { type: 'system' }),
  };
}
