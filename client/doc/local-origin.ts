// The origin of every change this browser makes to the room document, so that
// undo tracks one's own changes only (remote ones arrive with the provider as
// their origin).
export const LOCAL_ORIGIN = Symbol('atelier.local');
