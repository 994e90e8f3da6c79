import { Dialog } from './Dialog';

const SHORTCUTS: [string, string][] = [
  ['Tab / Shift+Tab', 'Move between cards, headers and buttons'],
  ['Enter', 'Rename the focused card, stage or lane'],
  ['Space', 'Open the focused card’s details, comments and votes'],
  ['Alt + ← / →', 'Move the card to the previous / next stage'],
  ['Alt + ↑ / ↓', 'Move the card up / down in its cell'],
  ['Alt + Shift + ↑ / ↓', 'Move the card to the lane above / below'],
  ['Alt + arrows on a handle', 'Reorder stages (← →) and lanes (↑ ↓)'],
  ['Delete', 'Delete the focused card'],
  ['V', 'Dot-vote for the focused card'],
  ['Ctrl + Z', 'Undo your last change (never someone else’s)'],
  ['Ctrl + Shift + Z', 'Redo'],
  ['Esc', 'Cancel editing, close the side panel'],
];

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
