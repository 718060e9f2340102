import { t, type MessageKey } from '../i18n/index.ts';
import { onLinkClick } from '../router.ts';

/**
 * The link at the head of a screen back to where it was opened from. The arrow is mirrored in a
 * right-to-left language, where "back" points the other way; it is hidden from screen readers,
 * which read the label alone.
 */
export function BackLink({ to, label, testId = 'back' }: { to: string; label: MessageKey; testId?: string }) {
  return (
    <a className="back-link" href={to} onClick={(event) => onLinkClick(event, to)} data-testid={testId}>
      <span className="flip-rtl" aria-hidden="true">←</span> {t(label)}
    </a>
  );
}
