// Who sees and handles which alarm, and an alarm as a given user sees it (the commands offered are
// the ones they may give). Shared by the alarm routes, their history and the live socket.
import { can, type Action, type Principal } from '../access/index.ts';
import type { Static } from '@sinclair/typebox';
import type { AlarmService, AlarmView } from '../events/index.ts';
import type { AlarmRow } from '../store/index.ts';
import type { Alarm, AlarmSchema } from './alarm-schemas.ts';

// The events part's alarm view and the response schema must agree: checked when this compiles.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const alarmViewMatchesSchema: Same<AlarmView, Static<typeof AlarmSchema>> = true;
void alarmViewMatchesSchema;

// Until access gains alarm.* actions (issue 10): seeing alarms and their snapshots goes with seeing
// the camera live; handling them with the operator's rights (recording.play: admin and operator);
// escalations go to the supervisors' group (user.manage: admin).
export const SEE_ALARMS: Action = 'camera.live';
export const HANDLE_ALARMS: Action = 'recording.play';
export const SUPERVISE_ALARMS: Action = 'user.manage';

export const seesCamera = (user: Principal, cameraId: string | null) => cameraId !== null && can(user, SEE_ALARMS, { type: 'camera', id: cameraId });
export const operatorOf = (user: Principal) => ({ id: user.id, name: user.username });

const mayHandle = (user: Principal) => (cameraId: string) => can(user, HANDLE_ALARMS, { type: 'camera', id: cameraId });

/** These alarms as this user sees them (the commands offered are the ones they may give). */
export function viewsFor(alarms: AlarmService, rows: AlarmRow[], user: Principal): Promise<Alarm[]> {
  return alarms.views(rows, operatorOf(user), mayHandle(user));
}

export async function viewFor(alarms: AlarmService, row: AlarmRow, user: Principal): Promise<Alarm> {
  return (await viewsFor(alarms, [row], user))[0];
}
