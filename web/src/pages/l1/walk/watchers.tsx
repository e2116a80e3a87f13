import { Avatar } from '../../../components/ui.tsx';
import { humanize } from '../../../lib/format.ts';
import type { Walk } from './session.ts';

export function Watchers({ walk, meId }: { walk: Walk; meId: string }) {
  const others = (walk.watchers ?? []).filter((w) => w.userId !== meId);
  if (others.length === 0) return <span className="muted watchers-none">Only you</span>;
  // The handler has the walk open too: they are handling it, not watching it.
  const doing = (w: { userId: string }) => (w.userId === walk.handler.id ? 'is handling' : 'is watching');
  return (
    <div className="watchers" data-testid="watchers" aria-label={`Watching: ${others.map((w) => w.name).join(', ')}`}>
      <div className="avatar-stack">
        {others.slice(0, 5).map((w) => (
          <Avatar key={w.userId} name={w.name} seed={w.userId} size="sm" title={`${w.name} (${humanize(w.role)}) ${doing(w)}`} />
        ))}
      </div>
      <span className="muted">
        {others.length === 1
          ? `${others[0]!.name} ${doing(others[0]!)}`
          : others.some((w) => w.userId === walk.handler.id)
            ? `${walk.handler.name} is handling · ${others.length - 1} watching`
            : `${others.length} watching`}
      </span>
    </div>
  );
}
