// What someone sees when a room will not let them in: why, in words, and the
// way back. The server's message says why a room is closed to them (invite-only,
// closed by a moderator, its owner blocks them), and only the server knows which.
import { html } from 'lit';

export function roomRefusal(code: string, message: string) {
  document.title = 'Room unavailable — Atelier';
  const [heading, reason] =
    code === 'not_found'
      ? ['This room does not exist', 'Check the link, or start a new room.']
      : code === 'forbidden'
        ? ['You cannot enter this room', sentence(message)]
        : ['The room could not open', message];
  return html`<div class="center-msg" role="alert">
    <h1>${heading}</h1>
    <p>${reason}</p>
    <a class="btn primary" href="/">Go to the gallery</a>
  </div>`;
}

/** "this room is invite-only" → "This room is invite-only." */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'Its owner has not let you in.';
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
