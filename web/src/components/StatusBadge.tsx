import type { CameraState } from '../api/types.ts';
import { t, type MessageKey } from '../i18n/index.ts';

export function StatusBadge({ state }: { state: CameraState }) {
  return (
    <span className={`badge badge-${state}`} data-state={state}>
      <span className="badge-dot" aria-hidden="true" />
      {t(`status.${state}` as MessageKey)}
    </span>
  );
}
